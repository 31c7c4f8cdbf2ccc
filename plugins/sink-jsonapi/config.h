/* SPDX-License-Identifier: BSD-2-Clause */
// sink-jsonapi configuration: plain structs, every member defaulted from a named constant. The
// HTTP keys (listen, threads, limits) are the shared server's (http-server/server_config.h).
#pragma once

#include "options.h"

#include <flowlens/sdk/config.hpp>
#include <flowlens/sdk/secret.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace flowlens::jsonapi {

// The shipped configuration serves the API on loopback only; exposing it is a deliberate edit.
inline constexpr std::string_view kDefaultListen = "127.0.0.1:8080";
// Clients that send Accept-Encoding: gzip get the server list compressed (once per snapshot).
inline constexpr bool kDefaultGzip = true;
// A tick older than this makes /health report "degraded".
inline constexpr std::chrono::milliseconds kDefaultStaleAfter{30'000};
// Bounded so that clock arithmetic can never overflow.
inline constexpr std::chrono::milliseconds kMaxStaleAfter{24 * 3600 * 1000};

enum class AuthMode { kBearer, kNone };

struct Config {
  http::ServerOptions server;  // listen (never empty), threads, limits
  AuthMode auth = AuthMode::kBearer;
  // api_key, api_key_file or api_key_env (sdk/secret.hpp); required unless auth is kNone.
  sdk::SecretSource api_key_source;
  // The key requests are compared with: the inline one at once, else read from
  // api_key_source when the sink starts.
  std::string api_key;
  bool include_ips = true;  // false leaves unique_ips out: client addresses are personal data
  bool gzip = kDefaultGzip;
  std::chrono::milliseconds stale_after = kDefaultStaleAfter;
};

// Every error is an sdk::ConfigError "PATH: message" ("limits.max_header_bytes: expected ...").
using ConfigError = sdk::ConfigError;

// Reads the plugin's config section. Unknown keys are errors.
Config parse_config(const sdk::Config& section);
// The same from JSON text ("" counts as an empty section), for tests and tools.
Config parse_config(std::string_view json_text);

}  // namespace flowlens::jsonapi
