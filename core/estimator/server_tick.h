/* SPDX-License-Identifier: BSD-2-Clause */
// Internal to the estimator: what one tick gathers per server while it walks the flows.
#pragma once

#include <cstdint>
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
  bool busy = false;
};

struct ServerTick {
  uint64_t bytes = 0;
  uint32_t paced = 0;       // counted sessions with a slow client pace
  double stall = 0;         // longest stall any counted session came back from
  uint64_t refused_ns = 0;  // latest refusal of any of its flows after the server's last packet
  std::vector<const model::FlowRecord*> counted;
  // Handover: sessions whose client went quiet (or ended by silence lately), with the index of
  // their decision, and the young flows that could be the same player at a new endpoint.
  std::vector<std::pair<const model::FlowRecord*, int64_t>> sources;
  std::vector<Taker> takers;
  std::vector<PendingEnd> pending;

  void clear() {
    bytes = 0;
    paced = 0;
    stall = 0;
    refused_ns = 0;
    counted.clear();
    sources.clear();
    takers.clear();
    pending.clear();
  }
};

}  // namespace flowlens::estimator

namespace flowlens::estimator {

// What the estimator remembers about one server from tick to tick.
struct ServerMemory {
  uint64_t added_ns = 0;       // first tick that saw it; 0 = not yet ticked
  uint64_t pause_out_ns = 0;   // the server's last packet before a pause still held; 0 = none
  uint32_t paced_players = 0;  // counted sessions with a slow pace at the last tick
  double stall_seconds = 0;    // longest stall its counted players came back from, last tick
};

}  // namespace flowlens::estimator
