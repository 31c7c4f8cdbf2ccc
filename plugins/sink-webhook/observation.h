/* SPDX-License-Identifier: BSD-2-Clause */
// What the rules see of one server at one tick: the SDK estimate reduced to what alerting needs.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace flowlens::webhook {

struct ServerObservation {
  std::string id;
  // Shown to people; the id when discovery gave no name.
  std::string name;
  std::map<std::string, std::string> labels;
  // False when the daemon cannot estimate the server now: players is then meaningless.
  bool known = false;
  uint32_t players = 0;
  // Why known is false ("bpf not attached", "gone from discovery").
  std::string unknown_reason;
};

// The engine's clock, injected so tests script time. Monotonic milliseconds drive `for`,
// `clear_for` and `repeat_interval`; wall milliseconds are only shown (`since`, `startsAt`).
struct Instant {
  int64_t mono_ms = 0;
  int64_t wall_ms = 0;
};

}  // namespace flowlens::webhook
