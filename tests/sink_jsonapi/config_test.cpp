// SPDX-License-Identifier: BSD-2-Clause
// Config parsing: defaults, accepted forms, and errors in the "PATH: message" form.
#include "config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace flowlens::jsonapi {
namespace {

TEST(Config, DefaultsWithAKey) {
  const Config c = parse_config(R"({"api_key":"k"})");
  ASSERT_EQ(c.server.listen.size(), 1u);
  EXPECT_EQ(c.server.listen[0].endpoint.address().to_string(), "127.0.0.1");
  EXPECT_EQ(c.server.listen[0].endpoint.port(), 8080);
  EXPECT_EQ(c.auth, AuthMode::kBearer);
  EXPECT_TRUE(c.include_ips);
  EXPECT_EQ(c.gzip, kDefaultGzip);
  EXPECT_EQ(c.server.threads, http::kDefaultThreads);
  EXPECT_EQ(c.server.limits.max_header_bytes, http::kDefaultMaxHeaderBytes);
  EXPECT_EQ(c.server.limits.max_body_bytes, http::kDefaultMaxBodyBytes);
  EXPECT_EQ(c.server.limits.idle_timeout, http::kDefaultIdleTimeout);
  EXPECT_EQ(c.server.limits.read_timeout, http::kDefaultReadTimeout);
  EXPECT_EQ(c.server.limits.write_timeout, http::kDefaultWriteTimeout);
  EXPECT_EQ(c.server.limits.max_connections, http::kDefaultMaxConnections);
  EXPECT_EQ(c.server.limits.max_keepalive_requests, http::kDefaultMaxKeepaliveRequests);
}

TEST(Config, EverythingSet) {
  const Config c = parse_config(R"({
    "listen": ["127.0.0.1:4", "[::1]:9090", ":8081"], "auth": "none", "include_ips": false, "gzip": false,
    "threads": 2, "stale_after_ms": 5000,
    "limits": {"max_header_bytes": 4096, "max_body_bytes": 0, "idle_timeout_ms": 100,
               "read_timeout_ms": 200, "write_timeout_ms": 300, "max_connections": 10,
               "max_keepalive_requests": 5}})");
  ASSERT_EQ(c.server.listen.size(), 3u);
  EXPECT_TRUE(c.server.listen[1].endpoint.address().is_v6());
  EXPECT_EQ(c.server.listen[1].endpoint.port(), 9090);
  EXPECT_TRUE(c.server.listen[2].dual_stack);
  EXPECT_EQ(c.auth, AuthMode::kNone);
  EXPECT_FALSE(c.include_ips);
  EXPECT_FALSE(c.gzip);
  EXPECT_EQ(c.server.threads, 2u);
  EXPECT_EQ(c.server.limits.max_body_bytes, 0u);
  EXPECT_EQ(c.server.limits.idle_timeout.count(), 100);
  EXPECT_EQ(c.server.limits.max_keepalive_requests, 5u);
}

TEST(Config, ListenMayBeOneString) {
  EXPECT_EQ(parse_config(R"({"api_key":"k","listen":"0.0.0.0:80"})").server.listen.size(), 1u);
}

struct Bad {
  std::string json;
  std::string message_has;  // the error must name this
};

class ConfigErrors : public ::testing::TestWithParam<Bad> {};

TEST_P(ConfigErrors, NameThePath) {
  try {
    parse_config(GetParam().json);
    FAIL() << "accepted: " << GetParam().json;
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(GetParam().message_has), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConfigErrors,
    ::testing::Values(
        // No key and no explicit auth: none must refuse, and say how to fix it.
        Bad{"{}",
            "api_key: no api_key is set; set one (api_key, api_key_file or api_key_env), or set "
            "auth: none"},
        Bad{R"({"auth":"bearer"})", "api_key: auth is"}, Bad{R"({"api_key":""})", "api_key: must"},
        Bad{R"({"auth":"none","api_key":"k"})", "auth: is \"none\""},
        Bad{R"({"auth":"basic"})", "auth: expected one of bearer, none, got 'basic'"},
        Bad{R"({"api_key":"k","port":1})", "port: unknown key"},
        Bad{R"({"api_key":"k","listen":[]})", "listen: expected at least one"},
        Bad{R"({"api_key":"k","listen":["localhost:80"]})", "listen[0]: 'localhost:80'"},
        Bad{R"({"api_key":"k","listen":"localhost:80"})", "listen: 'localhost:80'"},
        Bad{R"({"api_key":"k","listen":["1.2.3.4"]})", "has no port"},
        Bad{R"({"api_key":"k","listen":["1.2.3.4:99999"]})", "valid port"},
        Bad{R"({"api_key":"k","listen":["::1:80"]})", "[]"},
        Bad{R"({"api_key":"k","listen":["[1.2.3.4]:80"]})", "[]"},
        Bad{R"({"api_key":"k","listen":[80]})", "listen[0]: expected a string"},
        Bad{R"({"api_key":"k","include_ips":"no"})", "include_ips: expected true or false"},
        Bad{R"({"api_key":"k","threads":0})", "threads: expected an integer from 1"},
        Bad{R"({"api_key":"k","limits":{"max_header_bytes":"8k"}})", "limits.max_header_bytes: "},
        Bad{R"({"api_key":"k","limits":{"idle_timeout_ms":-1}})", "limits.idle_timeout_ms: "},
        Bad{R"({"api_key":"k","limits":{"max_connections":0}})", "limits.max_connections: "},
        Bad{R"({"api_key":"k","limits":{"timeout":1}})", "limits.timeout: unknown key"},
        Bad{R"({"api_key":"k","stale_after_ms":0})", "stale_after_ms: "},
        Bad{R"({"api_key":"k","limits":[]})", "limits: expected a map"},
        Bad{"[1]", "(section): expected a map"}, Bad{"{", "not valid JSON"}));

}  // namespace
}  // namespace flowlens::jsonapi
