/* SPDX-License-Identifier: BSD-2-Clause */
// Runs the estimator over scripted flow histories, one tick per second, as the daemon would.
#pragma once

#include <cstring>
#include <functional>
#include <set>
#include <vector>

#include "estimator/estimator.h"
#include "flow_history.h"
#include "model/server_spec.h"

namespace flowlens::testing {

struct Scene {
  estimator::Estimator est;
  std::vector<FlowHistory> flows;
  model::Snapshot last;

  explicit Scene(estimator::EstimatorConfig cfg = {}) : est(cfg) {
    est.set_servers({model::parse_server_spec("cs=27015/udp,27015/tcp"),
                     model::parse_server_spec("mc=25565/tcp")});
    est.record_decisions(true);
  }

  FlowHistory& add(const flowlens_flow_key& key) {
    flows.push_back({});
    flows.back().key = key;
    return flows.back();
  }

  // One tick at `t` seconds; erased flows drop out of the table as they would from the map.
  const model::Snapshot& tick(double t) {
    std::vector<model::FlowRecord> records;
    for (const auto& f : flows) {
      model::FlowRecord r;
      if (erased_.count(&f) == 0 && f.record_at(t, r)) records.push_back(r);
    }
    last = est.tick(records, at(t), 0);
    for (const auto& k : est.expired())
      for (const auto& f : flows)
        if (std::memcmp(&f.key, &k, sizeof k) == 0) erased_.insert(&f);
    return last;
  }

  uint32_t players(size_t server = 0) const { return last.servers.at(server).active_players; }

  const estimator::FlowDecision* decision(const flowlens_flow_key& key) const {
    for (const auto& d : est.decisions())
      if (std::memcmp(&d.key, &key, sizeof key) == 0) return &d;
    return nullptr;
  }

  bool erased(const flowlens_flow_key& key) const {
    for (const auto* f : erased_)
      if (std::memcmp(&f->key, &key, sizeof key) == 0) return true;
    return false;
  }

 private:
  std::set<const FlowHistory*> erased_;
};

}  // namespace flowlens::testing
