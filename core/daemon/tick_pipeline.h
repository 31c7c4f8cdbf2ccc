/* SPDX-License-Identifier: BSD-2-Clause */
// One estimator tick, the same every second: follow registry changes (watched ports, estimator
// servers), read the flow table, estimate, erase what the estimator no longer needs. Holds no
// clock and no I/O of its own, so tests drive it with any FlowTable.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "estimator/estimator.h"
#include "model/flow_record.h"
#include "model/snapshot.h"
#include "plugin_host/host_services.h"
#include "registry/server_registry.h"

namespace flowlens::daemon {

class TickPipeline {
 public:
  // Called with the merged endpoints whenever the registry changed, before the next read;
  // returns false when the kernel map could not be updated, so the next tick tries again.
  using WatchFn = std::function<bool(const std::vector<model::Endpoint>&)>;

  // Receives the core's events (server added, removed, became unknown) for the sinks.
  using EventFn = std::function<void(plugin_host::Event)>;

  TickPipeline(registry::ServerRegistry& registry, model::FlowTable& flows,
               estimator::Estimator& estimator, WatchFn watch, uint32_t map_capacity,
               EventFn on_event = {});

  // Runs one tick at `now_ns` (the flow records' clock) and returns its snapshot. A non-empty
  // `blind_reason` (the program is not attached) makes every estimate unknown with that reason.
  model::SnapshotPtr step(uint64_t now_ns, int64_t wall_unix_ms,
                          const std::string& blind_reason = {});

  // Applies a registry change now (watched ports, estimator servers, added/removed events)
  // instead of at the next tick, so a new server's first packets are counted. Same thread as
  // step(). Returns false when the registry has not changed (or the kernel map could not be
  // updated; the next tick retries).
  bool follow_registry();

  // `last` (the latest tick's snapshot) brought up to the server list just followed, without a
  // tick: a new server appears at once, as unknown ("just discovered"), a withdrawn one goes, the
  // others keep their estimates. So sinks show a discovery change within the loop's latency
  // instead of up to one metrics interval later.
  model::SnapshotPtr amend(const model::SnapshotPtr& last, uint64_t now_ns,
                           int64_t wall_unix_ms) const;

  size_t last_flow_count() const { return records_.size(); }

 private:
  void emit(uint32_t kind, std::string server_id, std::string message);
  void emit_server_changes(const std::vector<model::Server>& servers);
  void emit_unknown_transitions(const model::Snapshot& snapshot);

  registry::ServerRegistry& registry_;
  model::FlowTable& flows_;
  estimator::Estimator& estimator_;
  WatchFn watch_;
  uint32_t map_capacity_;
  EventFn on_event_;
  uint64_t seen_generation_ = UINT64_MAX;
  std::map<std::string, model::Server> servers_;   // as last applied, for added/removed events
  std::map<std::string, bool> known_;              // per server at the last tick
  std::map<std::string, std::string> incomplete_;  // servers that lost a port in the merge
  std::vector<model::FlowRecord> records_;         // reused every tick: no allocation once warm
  bool map_full_ = false;                          // at the last tick; logged on change
};

}  // namespace flowlens::daemon
