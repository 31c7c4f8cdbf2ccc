#include "sdk_convert.h"

#include <string>

namespace flowlens::jsonapi {

Snapshot from_sdk(const sdk::Snapshot& snapshot) {
  Snapshot out;
  out.timestamp_unix_ms = snapshot.timestamp_unix_ms;
  out.servers.reserve(snapshot.servers.size());
  for (const sdk::ServerEstimate& s : snapshot.servers) {
    ServerEstimate& e = out.servers.emplace_back();
    e.server_id = s.server_id;
    e.known = s.known;
    e.unknown_reason = s.unknown_reason;
    e.active_players = s.active_players;
    e.unique_ips = s.unique_ips;
    e.sample_window_seconds = s.sample_window_seconds;
    e.total_bytes = s.total_bytes;
  }
  return out;
}

LogFn host_logger(sdk::Host host) {
  return [host](LogLevel level, std::string_view message) {
    const std::string text(message);
    switch (level) {
      case LogLevel::kDebug:
        return host.debug(text);
      case LogLevel::kInfo:
        return host.info(text);
      case LogLevel::kWarn:
        return host.warn(text);
      case LogLevel::kError:
        return host.error(text);
    }
  };
}

}  // namespace flowlens::jsonapi
