// SPDX-License-Identifier: BSD-2-Clause
#include "settings.h"

namespace flowlens::discovery_pterodactyl {

namespace {

using namespace std::chrono_literals;

// Below this a poll loop would spend the panel's shared 240 requests a minute by itself.
constexpr milliseconds kMinInterval = 100ms;
constexpr milliseconds kMaxInterval = 24h;
constexpr int64_t kMinResponseBytes = 4 << 10;
constexpr int64_t kMaxResponseBytes = int64_t{1} << 30;

std::string base_url(const sdk::Config& config, bool allow_http) {
  std::string url = config.require_string("url");
  while (!url.empty() && url.back() == '/') url.pop_back();
  const bool https = url.rfind("https://", 0) == 0;
  const bool http = url.rfind("http://", 0) == 0;
  if (!https && !http)
    config.fail("url",
                "expected the panel's address, https://panel.example.com, got '" + url + "'");
  if (http && !allow_http)
    config.fail("url",
                "plain http:// sends the API key in clear; use https:// (or set allow_http: "
                "true for a panel on this host or a test)");
  const size_t host = url.find("://") + 3;
  if (url.size() <= host || url.find_first_of("?#", host) != std::string::npos)
    config.fail("url", "expected scheme://host[:port][/path] with no query, got '" + url + "'");
  if (url.find("/api/", host) != std::string::npos)
    config.fail("url", "expected the panel's base address without /api/..., got '" + url + "'");
  return url;
}

sdk::SecretSource key_source(const sdk::Config& config) {
  sdk::SecretSource key = sdk::read_secret_source(config, "api_key", false);
  // None given: the documented file, so enabling the shipped instance needs no key setting and
  // an override file naming another source does not clash with a shipped one.
  if (key.empty()) key.file = kDefaultApiKeyFile;
  return key;
}

}  // namespace

Settings parse_settings(const sdk::Config& config) {
  config.allow_only({"url", "allow_http", "api_key", "api_key_file", "api_key_env", "node_id",
                     "wings_config", "server_id_source", "protocols", "interval", "connect_timeout",
                     "request_timeout", "max_response_bytes", "max_pages", "tls_verify", "ca_file",
                     "webhook"});
  Settings s;
  s.allow_http = config.get_bool("allow_http", false);
  s.url = base_url(config, s.allow_http);
  s.key = key_source(config);
  if (config.has("node_id")) s.node_id = config.get_int("node_id", 0, 1);
  if (config.has("wings_config")) s.wings_configs = {config.require_string("wings_config")};

  const std::string source =
      config.get_enum("server_id_source", "uuid", {"uuid", "identifier", "name", "external_id"});
  s.mapping.id_source = source == "identifier"    ? IdSource::kIdentifier
                        : source == "name"        ? IdSource::kName
                        : source == "external_id" ? IdSource::kExternalId
                                                  : IdSource::kUuid;
  const std::vector<std::string> protocols = config.get_string_list("protocols", {"tcp", "udp"});
  s.mapping.tcp = s.mapping.udp = false;
  for (size_t i = 0; i < protocols.size(); ++i) {
    if (protocols[i] == "tcp") {
      s.mapping.tcp = true;
    } else if (protocols[i] == "udp") {
      s.mapping.udp = true;
    } else {
      throw sdk::ConfigError(config.path_of("protocols") + "[" + std::to_string(i) +
                             "]: expected tcp or udp, got '" + protocols[i] + "'");
    }
  }
  if (!s.mapping.tcp && !s.mapping.udp) config.fail("protocols", "expected tcp, udp or both");

  if (config.has("interval"))
    s.interval = config.get_duration("interval", 30s, kMinInterval, kMaxInterval);
  s.connect_timeout = config.get_duration("connect_timeout", kDefaultConnectTimeout, 100ms, 5min);
  s.request_timeout = config.get_duration("request_timeout", kDefaultRequestTimeout, 100ms, 10min);
  s.max_response_bytes = config.get_int("max_response_bytes", kDefaultMaxResponseBytes,
                                        kMinResponseBytes, kMaxResponseBytes);
  s.max_pages = config.get_int("max_pages", kDefaultMaxPages, 1, 100'000);
  s.tls_verify = config.get_bool("tls_verify", true);
  s.ca_file = config.get_string("ca_file", "");
  if (config.has("webhook")) s.webhook = parse_webhook_settings(config.section("webhook"));
  return s;
}

}  // namespace flowlens::discovery_pterodactyl
