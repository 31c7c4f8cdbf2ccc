// SPDX-License-Identifier: BSD-2-Clause
#include "server_config.h"

#include <cstdint>
#include <limits>

namespace flowlens::http {
namespace {

Limits read_limits(const sdk::Config& c) {
  c.allow_only({"max_header_bytes", "max_body_bytes", "idle_timeout_ms", "read_timeout_ms",
                "write_timeout_ms", "max_connections", "max_keepalive_requests",
                "max_auth_failures", "auth_failure_window_ms"});
  const auto size = [&](std::string_view key, std::size_t fallback, std::size_t min,
                        std::size_t max) {
    return static_cast<std::size_t>(c.get_int(
        key, static_cast<int64_t>(fallback), static_cast<int64_t>(min), static_cast<int64_t>(max)));
  };
  const auto millis = [&](std::string_view key, std::chrono::milliseconds fallback) {
    return std::chrono::milliseconds(c.get_int(key, fallback.count(), 1, kMaxTimeout.count()));
  };
  Limits l;
  l.max_header_bytes =
      size("max_header_bytes", kDefaultMaxHeaderBytes, kMinHeaderBytes, kMaxHeaderBytesCeiling);
  l.max_body_bytes = size("max_body_bytes", kDefaultMaxBodyBytes, 0, kMaxBodyBytesCeiling);
  l.idle_timeout = millis("idle_timeout_ms", kDefaultIdleTimeout);
  l.read_timeout = millis("read_timeout_ms", kDefaultReadTimeout);
  l.write_timeout = millis("write_timeout_ms", kDefaultWriteTimeout);
  l.max_connections = size("max_connections", kDefaultMaxConnections, 1, kMaxConnectionsCeiling);
  l.max_keepalive_requests = size("max_keepalive_requests", kDefaultMaxKeepaliveRequests, 1,
                                  std::numeric_limits<uint32_t>::max());
  l.max_auth_failures = size("max_auth_failures", kDefaultMaxAuthFailures, 1, 1'000'000);
  l.auth_failure_window = millis("auth_failure_window_ms", kDefaultAuthFailureWindow);
  return l;
}

}  // namespace

ServerOptions read_server_options(const sdk::Config& config, std::string name,
                                  std::string_view default_listen) {
  ServerOptions options;
  options.name = std::move(name);
  const std::vector<std::string> listen =
      config.get_string_list("listen", {std::string(default_listen)});
  if (listen.empty()) config.fail("listen", "expected at least one \"ADDR:PORT\"");
  for (std::size_t i = 0; i < listen.size(); ++i) {
    try {
      options.listen.push_back(parse_listen_address(listen[i]));
    } catch (const ListenAddressError& e) {
      // A single string is a one-element list, but the operator wrote no [0]: name the key.
      const bool one_string = config.has("listen") && config.object().at("listen").is_string();
      config.fail(one_string ? "listen" : "listen[" + std::to_string(i) + "]", e.what());
    }
  }
  options.threads =
      static_cast<unsigned>(config.get_int("threads", kDefaultThreads, 1, kMaxThreads));
  options.limits = read_limits(config.section("limits"));
  if (config.has("tls")) {
    const sdk::Config tls = config.section("tls");
    tls.allow_only({"cert_file", "key_file"});
    TlsFiles files;
    const std::pair<const char*, std::string*> keys[] = {{"cert_file", &files.cert_file},
                                                         {"key_file", &files.key_file}};
    for (const auto& [key, value] : keys) {
      *value = tls.require_string(key);
      if (value->empty() || value->front() != '/')
        tls.fail(key, "expected an absolute path, got '" + *value + "'");
    }
    options.tls = std::move(files);
  }
  return options;
}

}  // namespace flowlens::http
