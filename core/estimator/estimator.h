/* SPDX-License-Identifier: BSD-2-Clause */
// The estimator: turns flow records into per-server player counts, tick after tick. The same code
// runs live (records from the kernel map, now = CLOCK_MONOTONIC) and in replay (records from a
// capture, now = capture time).
//
//   Estimator est(cfg);
//   est.set_servers(servers);
//   each tick: table.read_all(records);
//              Snapshot s = est.tick(records, now_ns, wall_ms);
//              table.erase(est.expired());
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "estimator/decision.h"
#include "estimator/estimator_config.h"
#include "estimator/session.h"
#include "model/flow_record.h"
#include "model/server.h"
#include "model/snapshot.h"

namespace flowlens::estimator {

struct ServerTick;    // per-server accumulators of one tick (server_tick.h)
struct ServerMemory;  // per-server state kept between ticks (server_tick.h)

class Estimator {
 public:
  explicit Estimator(EstimatorConfig cfg = {});
  ~Estimator();
  Estimator(const Estimator&) = delete;
  Estimator& operator=(const Estimator&) = delete;

  // Replaces the watched servers. Servers already known keep their state; a new one is reported
  // unknown until its warm-up has passed (EstimatorConfig::warmup_seconds).
  void set_servers(std::vector<model::Server> servers);
  const std::vector<model::Server>& servers() const { return servers_; }

  // Judges every flow at `now_ns` (the records' clock) and returns the estimate of every server,
  // in set_servers() order. `wall_unix_ms` only stamps the snapshot.
  model::Snapshot tick(std::span<const model::FlowRecord> flows, uint64_t now_ns,
                       int64_t wall_unix_ms);

  // Keys of the flows the last tick no longer needs; the caller erases them from its FlowTable.
  std::span<const flowlens_flow_key> expired() const { return expired_; }

  // With true, every tick records a decision per flow (also done while spdlog logs at debug).
  void record_decisions(bool on) { record_decisions_ = on; }
  // The last tick's decisions, one per flow of a watched server (empty unless recorded).
  std::span<const FlowDecision> decisions() const { return decisions_; }

  const EstimatorConfig& config() const { return cfg_; }
  // New thresholds from the next tick on (a live reload). Sessions and servers keep their state:
  // who is playing is not forgotten because a threshold moved.
  void set_config(const EstimatorConfig& cfg) { cfg_ = cfg; }

 private:
  int32_t server_of(const flowlens_flow_key& key) const;
  void judge(const model::FlowRecord& r, uint32_t srv, uint64_t now_ns, bool record);
  void judge_session(const model::FlowRecord& r, Session& s, uint32_t srv, uint64_t now_ns,
                     bool record);
  void end_session(Session& s, const model::FlowRecord& r, Reason why, bool busy, uint64_t now_ns);
  void resolve_pauses(uint64_t now_ns);
  void hand_over(uint64_t now_ns);
  void finish_server(uint32_t srv, uint64_t now_ns, model::ServerEstimate& out);

  EstimatorConfig cfg_;
  std::vector<model::Server> servers_;
  // (proto slot, port) -> server index or -1; flat so the per-flow lookup is one load.
  std::vector<int32_t> port_index_;
  std::vector<ServerMemory> memory_;  // per server, in set_servers() order
  boost::unordered_flat_map<flowlens_flow_key, Session, KeyHash, KeyEq> sessions_;
  std::vector<ServerTick> per_server_;
  std::vector<flowlens_flow_key> expired_;
  std::vector<FlowDecision> decisions_;
  std::vector<bool> done_;  // hand_over(): sources already paired this tick
  uint32_t tick_no_ = 0;
  bool record_decisions_ = false;
};

}  // namespace flowlens::estimator
