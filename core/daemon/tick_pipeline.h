// One estimator tick, the same every second: follow registry changes (watched ports, estimator
// servers), read the flow table, estimate, erase what the estimator no longer needs. Holds no
// clock and no I/O of its own, so tests drive it with any FlowTable.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "estimator/estimator.h"
#include "model/flow_record.h"
#include "model/snapshot.h"
#include "registry/server_registry.h"

namespace flowlens::daemon {

class TickPipeline {
 public:
  // Called with the merged endpoints whenever the registry changed, before the next read;
  // returns false when the kernel map could not be updated, so the next tick tries again.
  using WatchFn = std::function<bool(const std::vector<model::Endpoint>&)>;

  TickPipeline(registry::ServerRegistry& registry, model::FlowTable& flows,
               estimator::Estimator& estimator, WatchFn watch, uint32_t map_capacity);

  // Runs one tick at `now_ns` (the flow records' clock) and returns its snapshot.
  model::SnapshotPtr step(uint64_t now_ns, int64_t wall_unix_ms);

  size_t last_flow_count() const { return records_.size(); }

 private:
  void follow_registry();

  registry::ServerRegistry& registry_;
  model::FlowTable& flows_;
  estimator::Estimator& estimator_;
  WatchFn watch_;
  uint32_t map_capacity_;
  uint64_t seen_generation_ = UINT64_MAX;
  std::vector<model::FlowRecord> records_;  // reused every tick: no allocation once warm
};

}  // namespace flowlens::daemon
