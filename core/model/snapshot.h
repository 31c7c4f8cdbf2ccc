/* SPDX-License-Identifier: BSD-2-Clause */
// One tick's estimate for every known server. Published immutable: readers share it by pointer.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace flowlens::model {

struct ServerEstimate {
  std::string server_id;
  std::string name;                           // from discovery; the id when it gave none
  std::map<std::string, std::string> labels;  // from discovery
  // False while the daemon cannot estimate this server (not attached, just discovered, map
  // overflowing): sinks must report "unknown", never 0. An estimate nobody decided is unknown.
  bool known = false;
  std::string unknown_reason;
  uint32_t active_players = 0;
  std::vector<std::string> unique_ips;  // distinct client addresses seen in the sample window
  double sample_window_seconds = 0;
  uint64_t total_bytes = 0;  // both directions, lifetime of the flows still held
};

struct Snapshot {
  int64_t timestamp_unix_ms = 0;  // wall clock of the tick (for display only)
  uint64_t monotonic_ns = 0;      // clock of the flow records at the tick
  std::vector<ServerEstimate> servers;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

}  // namespace flowlens::model
