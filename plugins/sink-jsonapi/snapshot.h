// The plugin's own copy of what the host tells it: one tick's estimates and the host's health.
// Kept independent of the SDK's C structs so the router and renderer are testable on their own.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

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

struct PluginState {
  std::string name;
  std::string state;  // e.g. "running", "failed"
};

// What /health shows about the daemon. Every field the host cannot tell is left empty and
// rendered as null, so a reader can tell "not attached" from "not reported".
struct HostStatus {
  std::string daemon_version;
  std::optional<double> daemon_uptime_seconds;
  std::optional<bool> bpf_attached;
  std::optional<std::vector<PluginState>> plugins;
};

}  // namespace flowlens::jsonapi
