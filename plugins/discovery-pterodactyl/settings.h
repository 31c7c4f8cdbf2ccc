/* SPDX-License-Identifier: BSD-2-Clause */
// The plugin's config section as plain values, each default a named constant. Parsed strictly
// in create (check-config runs it): no file, socket or environment is touched here.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <flowlens/sdk/config.hpp>
#include <flowlens/sdk/secret.hpp>

#include "server_mapping.h"
#include "webhook_settings.h"

namespace flowlens::discovery_pterodactyl {

using std::chrono::milliseconds;

inline constexpr milliseconds kDefaultConnectTimeout{5'000};
inline constexpr milliseconds kDefaultRequestTimeout{30'000};
// A page of 100 servers with their allocations and environment is a few hundred kB.
inline constexpr int64_t kDefaultMaxResponseBytes = int64_t{8} << 20;
// 100 pages of 100: a panel bigger than this is listed only if the operator says so.
inline constexpr int64_t kDefaultMaxPages = 100;
// Where Wings keeps its config: Pterodactyl's, then Pelican's.
inline const std::vector<std::string> kDefaultWingsConfigs = {"/etc/pterodactyl/config.yml",
                                                              "/etc/pelican/config.yml"};

// The key file when the config names no source (root-only, like the Wings config).
inline constexpr const char* kDefaultApiKeyFile = "/etc/flowlens/pterodactyl.key";

struct Settings {
  std::string url;  // the panel's base URL, no trailing '/'
  bool allow_http = false;
  // The Application API key: api_key, api_key_file or api_key_env (sdk/secret.hpp), read in
  // start; none given means kDefaultApiKeyFile. Its prefix (ptla_, papp_) is not checked.
  sdk::SecretSource key;
  std::optional<int64_t> node_id;
  std::vector<std::string> wings_configs = kDefaultWingsConfigs;
  MappingOptions mapping;
  std::optional<milliseconds> interval;  // unset: the host's core.discovery_interval
  milliseconds connect_timeout = kDefaultConnectTimeout;
  milliseconds request_timeout = kDefaultRequestTimeout;
  int64_t max_response_bytes = kDefaultMaxResponseBytes;
  int64_t max_pages = kDefaultMaxPages;
  bool tls_verify = true;
  std::string ca_file;  // empty: the system's CA store
  // Pelican webhooks as resync hints; unset: no listener.
  std::optional<WebhookSettings> webhook;
};

// Throws sdk::ConfigError "KEY: what was expected".
Settings parse_settings(const sdk::Config& config);

}  // namespace flowlens::discovery_pterodactyl
