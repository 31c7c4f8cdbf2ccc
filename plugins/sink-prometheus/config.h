/* SPDX-License-Identifier: BSD-2-Clause */
// sink-prometheus configuration: plain structs, every member defaulted from a named constant.
// The HTTP keys (listen, threads, limits) are the shared server's (http-server/server_config.h).
#pragma once

#include "options.h"

#include <flowlens/sdk/config.hpp>
#include <flowlens/sdk/secret.hpp>

#include <cstdint>
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

// The label SeriesConfig::node puts on every series.
inline constexpr std::string_view kNodeLabel = "node";
// The discovery label whose value is a server's player capacity, exported as
// flowlens_server_max_players: the name sink-webhook's `full` rule reads by default.
inline constexpr std::string_view kDefaultCapacityLabel = "max_players";
// The largest capacity taken from a label, as sink-webhook's `capacity`: anything above is a typo.
inline constexpr int64_t kMaxCapacity = 1'000'000;
// A node name is one label value on every series; a hostname's length is plenty.
inline constexpr std::size_t kMaxNodeLength = 253;

// A discovery label exported on flowlens_server_info: the server's label `key` becomes the
// metric label `name` (sanitized; "com.example/tier" -> "com_example_tier").
struct ExportedLabel {
  std::string key;
  std::string name;
};

// What the series carry beyond the snapshot and the host's health.
struct SeriesConfig {
  // Empty: no node label. Otherwise the value of a `node` label on every series, for a fleet whose
  // Prometheus `instance` does not name the host (agents behind NAT all scraping 127.0.0.1:9110).
  std::string node;
  std::vector<ExportedLabel> labels;  // the allow-list, in config order
  std::string capacity_label = std::string(kDefaultCapacityLabel);
};

struct Config {
  http::ServerOptions server;
  // Unset: /metrics is open, as Prometheus targets usually are. Otherwise scrapes must send
  // "Authorization: Bearer <token>" (Prometheus: `authorization: {credentials: ...}`). Given
  // as bearer_token, bearer_token_file or bearer_token_env (sdk/secret.hpp).
  sdk::SecretSource bearer_token_source;
  // The token itself: the inline one at once, else read from bearer_token_source at start.
  std::string bearer_token;
  SeriesConfig series;
};

// Every error is an sdk::ConfigError "PATH: message".
Config parse_config(const sdk::Config& section);
// The same from JSON text ("" counts as an empty section), for tests and tools.
Config parse_config(std::string_view json_text);

}  // namespace flowlens::prometheus_sink
