// Config parsing: defaults, accepted forms, and errors that name the field.
#include "config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace flowlens::jsonapi {
namespace {

TEST(Config, DefaultsWithAKey) {
  const Config c = parse_config(R"({"api_key":"k"})");
  ASSERT_EQ(c.listen.size(), 1u);
  EXPECT_EQ(c.listen[0].endpoint.address().to_string(), "127.0.0.1");
  EXPECT_EQ(c.listen[0].endpoint.port(), 8080);
  EXPECT_EQ(c.auth, AuthMode::kBearer);
  EXPECT_TRUE(c.include_ips);
  EXPECT_EQ(c.gzip, kDefaultGzip);
  EXPECT_EQ(c.threads, kDefaultThreads);
  EXPECT_EQ(c.limits.max_header_bytes, kDefaultMaxHeaderBytes);
  EXPECT_EQ(c.limits.max_body_bytes, kDefaultMaxBodyBytes);
  EXPECT_EQ(c.limits.idle_timeout, kDefaultIdleTimeout);
  EXPECT_EQ(c.limits.read_timeout, kDefaultReadTimeout);
  EXPECT_EQ(c.limits.write_timeout, kDefaultWriteTimeout);
  EXPECT_EQ(c.limits.max_connections, kDefaultMaxConnections);
  EXPECT_EQ(c.limits.max_keepalive_requests, kDefaultMaxKeepaliveRequests);
}

TEST(Config, EverythingSet) {
  const Config c = parse_config(R"({
    "listen": ["127.0.0.1:0", "[::1]:9090", ":8081"], "auth": "none", "include_ips": false, "gzip": false,
    "threads": 2, "stale_after_ms": 5000,
    "limits": {"max_header_bytes": 4096, "max_body_bytes": 0, "idle_timeout_ms": 100,
               "read_timeout_ms": 200, "write_timeout_ms": 300, "max_connections": 10,
               "max_keepalive_requests": 5}})");
  ASSERT_EQ(c.listen.size(), 3u);
  EXPECT_TRUE(c.listen[1].endpoint.address().is_v6());
  EXPECT_EQ(c.listen[1].endpoint.port(), 9090);
  EXPECT_TRUE(c.listen[2].dual_stack);
  EXPECT_EQ(c.auth, AuthMode::kNone);
  EXPECT_FALSE(c.include_ips);
  EXPECT_FALSE(c.gzip);
  EXPECT_EQ(c.threads, 2u);
  EXPECT_EQ(c.limits.max_body_bytes, 0u);
  EXPECT_EQ(c.limits.idle_timeout.count(), 100);
  EXPECT_EQ(c.limits.max_keepalive_requests, 5u);
}

TEST(Config, ListenMayBeOneString) {
  EXPECT_EQ(parse_config(R"({"api_key":"k","listen":"0.0.0.0:80"})").listen.size(), 1u);
}

struct Bad {
  std::string json;
  std::string message_has;  // the error must name this
};

class ConfigErrors : public ::testing::TestWithParam<Bad> {};

TEST_P(ConfigErrors, NameTheField) {
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
        Bad{"{}", "auth: none"}, Bad{R"({"auth":"bearer"})", "'api_key'"},
        Bad{R"({"api_key":""})", "'api_key'"}, Bad{R"({"auth":"none","api_key":"k"})", "'auth'"},
        Bad{R"({"auth":"basic"})", "\"basic\""}, Bad{R"({"api_key":"k","port":1})", "'port'"},
        Bad{R"({"api_key":"k","listen":[]})", "'listen'"},
        Bad{R"({"api_key":"k","listen":["localhost:80"]})", "'listen[0]'"},
        Bad{R"({"api_key":"k","listen":["1.2.3.4"]})", "has no port"},
        Bad{R"({"api_key":"k","listen":["1.2.3.4:99999"]})", "valid port"},
        Bad{R"({"api_key":"k","listen":["::1:80"]})", "[]"},
        Bad{R"({"api_key":"k","listen":["[1.2.3.4]:80"]})", "[]"},
        Bad{R"({"api_key":"k","listen":[80]})", "'listen[0]': expected a string"},
        Bad{R"({"api_key":"k","include_ips":"no"})", "'include_ips'"},
        Bad{R"({"api_key":"k","threads":0})", "'threads'"},
        Bad{R"({"api_key":"k","limits":{"max_header_bytes":"8k"}})", "'limits.max_header_bytes'"},
        Bad{R"({"api_key":"k","limits":{"idle_timeout_ms":-1}})", "'limits.idle_timeout_ms'"},
        Bad{R"({"api_key":"k","limits":{"max_connections":0}})", "'limits.max_connections'"},
        Bad{R"({"api_key":"k","limits":{"timeout":1}})", "'limits.timeout'"},
        Bad{R"({"api_key":"k","limits":[]})", "'limits'"}, Bad{"[1]", "expected a map"},
        Bad{"{", "not valid JSON"}));

}  // namespace
}  // namespace flowlens::jsonapi
