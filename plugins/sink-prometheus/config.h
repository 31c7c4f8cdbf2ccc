/* SPDX-License-Identifier: BSD-2-Clause */
// sink-prometheus configuration: plain structs, every member defaulted from a named constant.
// The HTTP keys (listen, threads, limits) are the shared server's (http-server/server_config.h).
#pragma once

#include "options.h"

#include <flowlens/sdk/config.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace flowlens::prometheus_sink {

// Loopback by default: exposing /metrics is a deliberate edit. Not 9090, which is Prometheus's
// own port (the original's prometheus_addr often said :9090; it still can).
inline constexpr std::string_view kDefaultListen = "127.0.0.1:9110";
inline constexpr std::string_view kMetricsPath = "/metrics";
// Each exported label multiplies nothing (one info series per server) but is one more column in
// every join; a handful is what dashboards use.
inline constexpr std::size_t kMaxExportedLabels = 32;

// A discovery label exported on flowlens_server_info: the server's label `key` becomes the
// metric label `name` (sanitized; "com.example/tier" -> "com_example_tier").
struct ExportedLabel {
  std::string key;
  std::string name;
};

struct Config {
  http::ServerOptions server;
  // Empty: /metrics is open, as Prometheus targets usually are. Otherwise scrapes must send
  // "Authorization: Bearer <token>" (Prometheus: `authorization: {credentials: ...}`).
  std::string bearer_token;
  std::vector<ExportedLabel> labels;  // the allow-list, in config order
};

// Every error is an sdk::ConfigError "PATH: message".
Config parse_config(const sdk::Config& section);
// The same from JSON text ("" counts as an empty section), for tests and tools.
Config parse_config(std::string_view json_text);

}  // namespace flowlens::prometheus_sink
