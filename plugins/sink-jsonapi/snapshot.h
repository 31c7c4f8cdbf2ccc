// The plugin's own copy of what the host tells it: one tick's estimates and the host's health.
// Kept independent of the SDK's C structs so the router and renderer are testable on their own.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace flowlens::jsonapi {

struct ServerEstimate {
  std::string server_id;
  std::string name;  // empty when discovery gave none
  // False while the daemon cannot estimate the server: rendered as status "unknown" and
  // active_players null, never 0, because operators' scripts act on a 0.
  bool known = true;
  std::string unknown_reason;
  uint32_t active_players = 0;
  std::vector<std::string> unique_ips;
  double sample_window_seconds = 0;
  uint64_t total_bytes = 0;
  std::map<std::string, std::string> labels;
};

struct Snapshot {
  int64_t timestamp_unix_ms = 0;  // wall clock of the tick
  std::vector<ServerEstimate> servers;
};

// What /health shows about the daemon: the object the host's health_json returned (ABI 1.1;
// fields documented in flowlens/plugin.h). Empty when the host is older or its text was not a
// JSON object; the renderer then shows null for each daemon field, so a reader can tell "not
// attached" from "not reported".
struct HostStatus {
  boost::json::object fields;

  // The host's "bpf_attached", or nullopt when it did not say.
  std::optional<bool> bpf_attached() const;
};

// Parses the host's health text. Anything but a JSON object yields an empty status.
HostStatus parse_host_status(std::string_view json_text);

}  // namespace flowlens::jsonapi
