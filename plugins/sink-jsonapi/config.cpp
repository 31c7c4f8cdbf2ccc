// SPDX-License-Identifier: BSD-2-Clause
#include "config.h"

#include "server_config.h"

#include <boost/json/parse.hpp>

namespace flowlens::jsonapi {

Config parse_config(std::string_view json_text) {
  boost::system::error_code error;
  const boost::json::value root =
      boost::json::parse(json_text.empty() ? std::string_view("{}") : json_text, error);
  if (error) throw ConfigError("(section): not valid JSON: " + error.message());
  if (!root.is_object()) {
    throw ConfigError("(section): " + sdk::Config::expected("a map", root));
  }
  return parse_config(sdk::Config(root.get_object()));
}

Config parse_config(const sdk::Config& c) {
  c.allow_only({"listen", "threads", "limits", "api_key", "api_key_file", "api_key_env", "tls",
                "auth", "include_ips", "gzip", "stale_after_ms"});
  Config config;
  config.server = http::read_server_options(c, "sink-jsonapi", kDefaultListen);
  config.auth = c.get_enum("auth", "bearer", {"bearer", "none"}) == "none" ? AuthMode::kNone
                                                                           : AuthMode::kBearer;
  config.api_key_source = sdk::read_secret_source(c, "api_key", false);
  config.api_key = config.api_key_source.value;  // a file or a variable is read in start
  config.include_ips = c.get_bool("include_ips", config.include_ips);
  config.gzip = c.get_bool("gzip", kDefaultGzip);
  config.stale_after = std::chrono::milliseconds(
      c.get_int("stale_after_ms", kDefaultStaleAfter.count(), 1, kMaxStaleAfter.count()));
  // Refusing to start is safer than silently publishing player addresses to anyone.
  if (config.auth == AuthMode::kBearer && config.api_key_source.empty()) {
    c.fail("api_key", c.has("auth") ? "auth is \"bearer\" but no api_key is set"
                                    : "no api_key is set; set one (api_key, api_key_file or "
                                      "api_key_env), or set auth: none to serve without "
                                      "authentication");
  }
  if (config.auth == AuthMode::kNone && !config.api_key_source.empty()) {
    c.fail("auth", "is \"none\" but an api_key is set; remove one of them");
  }
  return config;
}

}  // namespace flowlens::jsonapi
