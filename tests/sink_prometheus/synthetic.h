/* SPDX-License-Identifier: BSD-2-Clause */
// A made-up but plausible host for the exposition tests and the bench: `count` servers with a
// handful of players each, one in twenty unknown, two labels each
// (a capacity label on every third); and a full health text.
#pragma once

#include <flowlens/sdk/host.hpp>

#include <string>

namespace flowlens::prometheus_sink::testing {

inline sdk::Snapshot synthetic_snapshot(std::size_t count, int64_t timestamp_unix_ms) {
  sdk::Snapshot snapshot;
  snapshot.timestamp_unix_ms = timestamp_unix_ms;
  for (std::size_t i = 0; i < count; ++i) {
    sdk::ServerEstimate& s = snapshot.servers.emplace_back();
    s.server_id = "srv-" + std::to_string(i);
    s.name = "Server " + std::to_string(i);
    s.labels = {{"game", i % 2 ? "minecraft" : "rust"},
                {"com.example.node", "eu-" + std::to_string(i % 4)}};
    if (i % 3 == 0) s.labels["max_players"] = "32";
    s.known = i % 20 != 19;
    if (!s.known) {
      s.unknown_reason = "warming up";
      continue;
    }
    s.active_players = static_cast<uint32_t>(i % 7);
    for (uint32_t p = 0; p < s.active_players; ++p)
      s.unique_ips.push_back("198.51.100." + std::to_string(p));
    s.total_bytes = 1'000'000 + i * 7919;
  }
  return snapshot;
}

inline constexpr const char* kFullHealth = R"({"version":"0.1.0","uptime_seconds":3600.5,
  "bpf_attached":true,"interface":"eth0","last_tick_age_seconds":0.4,"flows":1234,
  "map_capacity":65536,"tick_duration_seconds":0.002,
  "plugins":[{"instance":"static","plugin":"discovery-static","version":"0.1.0",
              "kind":"discovery","state":"started"},
             {"instance":"api","plugin":"sink-jsonapi","version":"0.1.0","kind":"sink",
              "state":"started","snapshots_delivered":100,"snapshots_skipped":0,
              "events_delivered":4,"events_dropped":0,"failures":0},
             {"instance":"prometheus","plugin":"sink-prometheus","version":"0.1.0","kind":"sink",
              "state":"started","snapshots_delivered":100,"snapshots_skipped":1,
              "events_delivered":4,"events_dropped":0,"failures":0}]})";

}  // namespace flowlens::prometheus_sink::testing
