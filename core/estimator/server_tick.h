/* SPDX-License-Identifier: BSD-2-Clause */
// Internal to the estimator: what one tick gathers per server while it walks the flows.
#pragma once

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "estimator/decision.h"
#include "model/flow_record.h"

namespace flowlens::estimator {

// A young endpoint that could be a roaming player's new address.
struct Taker {
  const model::FlowRecord* rec = nullptr;
  int64_t decision = -1;  // index into the tick's decisions, -1 when not recorded
  bool used = false;
};

// A counted session that would end now because both sides went quiet; whether it ends depends on
// the server's other sessions (server_pause.cpp).
struct PendingEnd {
  const model::FlowRecord* rec = nullptr;
  int64_t decision = -1;
  Reason why = Reason::kBothSilent;
  double sustain_share = 0;
};

struct ServerTick {
  uint64_t bytes = 0;
  uint64_t oldest_first_ns = std::numeric_limits<uint64_t>::max();
  std::vector<const model::FlowRecord*> counted;
  // Handover: sessions whose client went quiet (or ended by silence lately), with the index of
  // their decision, and the young flows that could be the same player at a new endpoint.
  std::vector<std::pair<const model::FlowRecord*, int64_t>> sources;
  std::vector<Taker> takers;
  std::vector<PendingEnd> pending;

  void clear() {
    bytes = 0;
    oldest_first_ns = std::numeric_limits<uint64_t>::max();
    counted.clear();
    sources.clear();
    takers.clear();
    pending.clear();
  }
};

}  // namespace flowlens::estimator
