#include "daemon/tick_pipeline.h"

#include <spdlog/spdlog.h>

namespace flowlens::daemon {

namespace {

// An LRU map this full is evicting flows to make room: counts may be missing players.
constexpr double kOverflowShare = 0.98;

}  // namespace

TickPipeline::TickPipeline(registry::ServerRegistry& registry, model::FlowTable& flows,
                           estimator::Estimator& estimator, WatchFn watch, uint32_t map_capacity)
    : registry_(registry),
      flows_(flows),
      estimator_(estimator),
      watch_(std::move(watch)),
      map_capacity_(map_capacity) {}

void TickPipeline::follow_registry() {
  if (registry_.generation() == seen_generation_) return;
  registry::MergedView view = registry_.merged();
  std::vector<model::Endpoint> endpoints;
  for (const auto& s : view.servers)
    endpoints.insert(endpoints.end(), s.endpoints.begin(), s.endpoints.end());
  if (!watch_(endpoints)) return;  // estimate with the old set; retry on the next tick
  seen_generation_ = view.generation;
  for (const auto& c : view.conflicts) spdlog::warn("discovery: {}", c);
  spdlog::info("watching {} servers on {} ports", view.servers.size(), endpoints.size());
  estimator_.set_servers(std::move(view.servers));
}

model::SnapshotPtr TickPipeline::step(uint64_t now_ns, int64_t wall_unix_ms) {
  follow_registry();
  flows_.read_all(records_);
  auto snapshot =
      std::make_shared<model::Snapshot>(estimator_.tick(records_, now_ns, wall_unix_ms));
  flows_.erase(estimator_.expired());
  if (map_capacity_ > 0 && records_.size() >= kOverflowShare * map_capacity_) {
    // Unknown is not 0: with the map evicting, a low count may be the map's doing, not players'.
    spdlog::warn(
        "flow map is full ({} of {} entries): estimates marked unknown; raise "
        "ebpf_map_size",
        records_.size(), map_capacity_);
    for (auto& s : snapshot->servers) {
      s.known = false;
      s.unknown_reason = "flow map full";
    }
  }
  return snapshot;
}

}  // namespace flowlens::daemon
