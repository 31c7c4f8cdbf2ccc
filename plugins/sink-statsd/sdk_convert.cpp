// SPDX-License-Identifier: BSD-2-Clause
#include "sdk_convert.h"

namespace flowlens::statsd {

Samples from_sdk(const sdk::Snapshot& snapshot) {
  Samples out;
  out.reserve(snapshot.servers.size());
  for (const sdk::ServerEstimate& s : snapshot.servers) {
    ServerSample& e = out.emplace_back();
    e.id = s.server_id;
    e.known = s.known;
    e.active_players = s.active_players;
    e.unique_ips = static_cast<uint32_t>(s.unique_ips.size());
    e.total_bytes = s.total_bytes;
    e.labels = s.labels;  // ABI 1.2: the server's labels from discovery
  }
  return out;
}

LogFn host_logger(sdk::Host host) {
  return [host](LogLevel level, const std::string& message) {
    switch (level) {
      case LogLevel::kDebug:
        return host.debug(message);
      case LogLevel::kInfo:
        return host.info(message);
      case LogLevel::kWarn:
        return host.warn(message);
      case LogLevel::kError:
        return host.error(message);
    }
  };
}

}  // namespace flowlens::statsd
