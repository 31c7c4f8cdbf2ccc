/* SPDX-License-Identifier: BSD-2-Clause */
// What one push is made of: the sink's own copy of a snapshot's servers, free of the SDK so the
// formatting and batching code is tested with plain values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace flowlens::statsd {

struct ServerSample {
  std::string id;
  // False while the daemon cannot estimate the server: no player gauge is sent then.
  bool known = false;
  uint32_t active_players = 0;
  uint32_t unique_ips = 0;
  // Bytes over the flows the daemon still holds for the server (falls when flows expire).
  uint64_t total_bytes = 0;
  std::map<std::string, std::string> labels;
};

using Samples = std::vector<ServerSample>;

}  // namespace flowlens::statsd
