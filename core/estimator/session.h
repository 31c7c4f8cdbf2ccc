/* SPDX-License-Identifier: BSD-2-Clause */
// What the estimator remembers about one client endpoint between ticks. Only flows that have
// counted at some point get a Session; noise (queries, scans, floods) is judged from its record.
#pragma once

#include <cstdint>
#include <cstring>

#include "estimator/decision.h"
#include "flowlens.h"

namespace flowlens::estimator {

struct Session {
  uint64_t since_ns = 0;         // when the player's session began (kept across handovers)
  uint64_t ended_ns = 0;         // 0 while counted
  uint64_t active_since_ns = 0;  // start of the current counted stretch (sustain window floor)
  bool busy_at_end = false;      // had a game's shape when it ended: resume only that
  uint64_t in_at_end = 0;        // client packets when it ended: resume needs new ones
  uint64_t out_at_end = 0;       // server packets when it ended
  uint64_t prev_in = 0;          // client packets at the last tick they grew
  uint64_t prev_in_last_ns = 0;  // client's last packet time at that tick
  double in_rate = 0;            // client packets/s, smoothed over the ticks where the client sent
  double longest_stall = 0;
  uint64_t led_ns = 0;        // last tick that saw the server send to it on its own      // longest
                              // client silence it came back from while counted (s)
  flowlens_flow_key other{};  // the endpoint it handed over to / took over from
  uint32_t seen_tick = 0;     // last tick its record was present
  Reason reason = Reason::kSustainedExchange;
  bool counted = true;
  bool consumed = false;  // ended and already taken over: cannot hand over twice
};

struct KeyHash {
  size_t operator()(const flowlens_flow_key& k) const noexcept {
    uint64_t w[3];
    std::memcpy(w, &k, sizeof w);
    uint64_t h = w[0] * 0x9E3779B97F4A7C15ULL ^ w[1];
    h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ULL ^ w[2];
    h = (h ^ (h >> 32)) * 0x94D049BB133111EBULL;
    return static_cast<size_t>(h ^ (h >> 31));
  }
};

struct KeyEq {
  bool operator()(const flowlens_flow_key& a, const flowlens_flow_key& b) const noexcept {
    uint64_t x[3], y[3];
    std::memcpy(x, &a, sizeof x);
    std::memcpy(y, &b, sizeof y);
    return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2])) == 0;
  }
};

static_assert(sizeof(flowlens_flow_key) == 3 * sizeof(uint64_t), "KeyHash reads three words");

}  // namespace flowlens::estimator
