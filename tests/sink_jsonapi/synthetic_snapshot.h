/* SPDX-License-Identifier: BSD-2-Clause */
// A made-up but plausible host: `count` servers, most with a handful of players, some empty,
// one in twenty not estimable yet. Shared by the HTTP tests and the wrk server.
#pragma once

#include "snapshot.h"

#include <string>

namespace flowlens::jsonapi::testing {

inline Snapshot synthetic_snapshot(std::size_t count, int64_t timestamp_unix_ms) {
  Snapshot snapshot;
  snapshot.timestamp_unix_ms = timestamp_unix_ms;
  snapshot.servers.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    ServerEstimate& s = snapshot.servers.emplace_back();
    s.server_id = "srv-" + std::to_string(i);
    s.sample_window_seconds = 60;
    s.total_bytes = 1'000'000 + i * 7919;
    s.known = true;
    if (i % 20 == 19) {
      s.known = false;
      s.unknown_reason = "just discovered";
      continue;
    }
    s.active_players = static_cast<uint32_t>(i % 7);  // 0..6: some servers are empty
    for (uint32_t p = 0; p < s.active_players; ++p) {
      s.unique_ips.push_back("198.51." + std::to_string(i % 250) + "." + std::to_string(p + 1));
    }
  }
  return snapshot;
}

}  // namespace flowlens::jsonapi::testing
