// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/tick_pipeline.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "flowlens/plugin.h"
#include "model/server_spec.h"

namespace flowlens::daemon {

namespace {

// An LRU map this full is evicting flows to make room: counts may be missing players.
constexpr double kOverflowShare = 0.98;
// ...and it counts as drained only below this, so a map hovering at the line does not flip
// between known and unknown (and log both) every tick.
constexpr double kDrainedShare = 0.90;
// Conflicts logged one per line when discovery changes; the rest are counted in one line.
constexpr std::size_t kMaxConflictLines = 10;

}  // namespace

TickPipeline::TickPipeline(registry::ServerRegistry& registry, model::FlowTable& flows,
                           estimator::Estimator& estimator, WatchFn watch, uint32_t map_capacity,
                           EventFn on_event)
    : registry_(registry),
      flows_(flows),
      estimator_(estimator),
      watch_(std::move(watch)),
      map_capacity_(map_capacity),
      on_event_(std::move(on_event)) {}

void TickPipeline::emit(uint32_t kind, std::string server_id, std::string message) {
  if (!on_event_) return;
  plugin_host::Event e;
  e.kind = kind;
  e.server_id = std::move(server_id);
  e.message = std::move(message);
  e.timestamp_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  e.source = "core";
  on_event_(std::move(e));
}

void TickPipeline::emit_server_changes(const std::vector<model::Server>& servers) {
  std::map<std::string, model::Server> next;
  for (const auto& s : servers) next.emplace(s.id, s);
  for (const auto& [id, s] : servers_) {
    if (next.contains(id)) continue;
    emit(FLOWLENS_EVENT_SERVER_REMOVED, id, "server " + id + " withdrawn by discovery");
    known_.erase(id);
  }
  for (const auto& [id, s] : next) {
    if (servers_.contains(id)) continue;
    std::string ports;
    for (const auto& ep : s.endpoints) ports += (ports.empty() ? "" : ", ") + model::to_string(ep);
    emit(FLOWLENS_EVENT_SERVER_ADDED, id,
         "server " + id + (s.name.empty() || s.name == id ? "" : " (" + s.name + ")") +
             " discovered on " + (ports.empty() ? "no port" : ports));
  }
  servers_ = std::move(next);
}

void TickPipeline::emit_unknown_transitions(const model::Snapshot& snapshot) {
  for (const auto& s : snapshot.servers) {
    auto [it, fresh] = known_.emplace(s.server_id, s.known);
    // A server that has never been known (warming up at start) did not "become" unknown.
    if (!fresh && it->second && !s.known)
      emit(FLOWLENS_EVENT_SERVER_UNKNOWN, s.server_id,
           "server " + s.server_id + " estimate unknown: " + s.unknown_reason);
    it->second = s.known;
  }
}

bool TickPipeline::follow_registry() {
  if (registry_.generation() == seen_generation_) return false;
  registry::MergedView view = registry_.merged();
  std::vector<model::Endpoint> endpoints;
  for (const auto& s : view.servers)
    endpoints.insert(endpoints.end(), s.endpoints.begin(), s.endpoints.end());
  if (!watch_(endpoints)) return false;  // estimate with the old set; retry on the next tick
  seen_generation_ = view.generation;
  // Bounded: a discovery that publishes thousands of servers on the same ports would otherwise
  // write thousands of lines at once.
  for (std::size_t i = 0; i < view.conflicts.size() && i < kMaxConflictLines; ++i)
    spdlog::warn("discovery: {}", view.conflicts[i].text);
  if (view.conflicts.size() > kMaxConflictLines)
    spdlog::warn("discovery: {} more conflicts like these",
                 view.conflicts.size() - kMaxConflictLines);
  spdlog::info("watching {} servers on {} ports", view.servers.size(), endpoints.size());
  emit_server_changes(view.servers);
  incomplete_ = std::move(view.incomplete);
  estimator_.set_servers(std::move(view.servers));
  return true;
}

model::SnapshotPtr TickPipeline::amend(const model::SnapshotPtr& last, uint64_t now_ns,
                                       int64_t wall_unix_ms) const {
  auto out = std::make_shared<model::Snapshot>();
  out->timestamp_unix_ms = wall_unix_ms;
  // Rates between snapshots divide by the flow clock: keep the last tick's, the counts are its.
  out->monotonic_ns = last ? last->monotonic_ns : now_ns;
  std::map<std::string, const model::ServerEstimate*> previous;
  if (last)
    for (const auto& e : last->servers) previous.emplace(e.server_id, &e);
  for (const auto& [id, server] : servers_) {
    if (auto it = previous.find(id); it != previous.end()) {
      model::ServerEstimate e = *it->second;
      e.name = server.name.empty() ? id : server.name;  // a rename or relabel shows at once too
      e.labels = server.labels;
      out->servers.push_back(std::move(e));
      continue;
    }
    model::ServerEstimate e;
    e.server_id = id;
    e.name = server.name.empty() ? id : server.name;
    e.labels = server.labels;
    e.known = false;
    e.unknown_reason = "warming up: just discovered";
    out->servers.push_back(std::move(e));
  }
  return out;
}

model::SnapshotPtr TickPipeline::step(uint64_t now_ns, int64_t wall_unix_ms,
                                      const std::string& blind_reason) {
  follow_registry();
  flows_.read_all(records_);
  auto snapshot =
      std::make_shared<model::Snapshot>(estimator_.tick(records_, now_ns, wall_unix_ms));
  flows_.erase(estimator_.expired());
  const double share = map_capacity_ > 0 ? double(records_.size()) / double(map_capacity_) : 0;
  const bool full = map_full_ ? share >= kDrainedShare : share >= kOverflowShare;
  if (full != map_full_) {
    // Said when it fills and when it drains, not every tick in between.
    if (full)
      spdlog::warn(
          "flow map is full ({} of {} entries): estimates marked unknown until it drains; raise "
          "ebpf_map_size",
          records_.size(), map_capacity_);
    else
      spdlog::info("flow map no longer full ({} of {} entries)", records_.size(), map_capacity_);
    map_full_ = full;
  }
  if (full) {
    // Unknown is not 0: with the map evicting, a low count may be the map's doing, not players'.
    for (auto& s : snapshot->servers) {
      s.known = false;
      s.unknown_reason = "flow map full";
    }
  }
  for (auto& s : snapshot->servers) {
    if (!blind_reason.empty()) {
      // The kernel counts nothing while detached: silence here is not an empty server.
      s.known = false;
      s.unknown_reason = "not attached: " + blind_reason;
      continue;
    }
    if (auto it = incomplete_.find(s.server_id); it != incomplete_.end() && s.known) {
      s.known = false;
      s.unknown_reason = "port conflict: " + it->second;
    }
  }
  emit_unknown_transitions(*snapshot);
  return snapshot;
}

}  // namespace flowlens::daemon
