// SPDX-License-Identifier: BSD-2-Clause
// The HTTP keys every serving plugin shares: defaults, the accepted forms, and "PATH: message"
// errors (check-config finds the file and line from PATH).
#include "server_config.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <string>

namespace flowlens::http {
namespace {

ServerOptions read(const std::string& json) {
  const boost::json::value v = boost::json::parse(json);
  return read_server_options(sdk::Config(v.get_object()), "test-sink", "127.0.0.1:9999");
}

TEST(ServerConfig, Defaults) {
  const ServerOptions o = read("{}");
  EXPECT_EQ(o.name, "test-sink");
  ASSERT_EQ(o.listen.size(), 1u);
  EXPECT_EQ(o.listen[0].text, "127.0.0.1:9999");
  EXPECT_EQ(o.threads, kDefaultThreads);
  EXPECT_EQ(o.limits.max_header_bytes, kDefaultMaxHeaderBytes);
  EXPECT_EQ(o.limits.max_body_bytes, kDefaultMaxBodyBytes);
  EXPECT_EQ(o.limits.idle_timeout, kDefaultIdleTimeout);
  EXPECT_EQ(o.limits.read_timeout, kDefaultReadTimeout);
  EXPECT_EQ(o.limits.write_timeout, kDefaultWriteTimeout);
  EXPECT_EQ(o.limits.max_connections, kDefaultMaxConnections);
  EXPECT_EQ(o.limits.max_keepalive_requests, kDefaultMaxKeepaliveRequests);
}

TEST(ServerConfig, EverythingSet) {
  const ServerOptions o = read(R"({"listen": ["127.0.0.1:3", "[::1]:1", ":2"], "threads": 3,
    "limits": {"max_header_bytes": 1024, "max_body_bytes": 0, "idle_timeout_ms": 5,
               "read_timeout_ms": 6, "write_timeout_ms": 7, "max_connections": 8,
               "max_keepalive_requests": 9}})");
  ASSERT_EQ(o.listen.size(), 3u);
  EXPECT_TRUE(o.listen[1].endpoint.address().is_v6());
  EXPECT_TRUE(o.listen[2].dual_stack);
  EXPECT_EQ(o.threads, 3u);
  EXPECT_EQ(o.limits.max_header_bytes, 1024u);
  EXPECT_EQ(o.limits.max_body_bytes, 0u);
  EXPECT_EQ(o.limits.idle_timeout.count(), 5);
  EXPECT_EQ(o.limits.read_timeout.count(), 6);
  EXPECT_EQ(o.limits.write_timeout.count(), 7);
  EXPECT_EQ(o.limits.max_connections, 8u);
  EXPECT_EQ(o.limits.max_keepalive_requests, 9u);
}

TEST(ServerConfig, OneStringIsAOneElementList) {
  EXPECT_EQ(read(R"({"listen": ":9090"})").listen.size(), 1u);
}

struct Bad {
  std::string json;
  std::string message_starts;  // the path, then what was wrong
};

class ServerConfigErrors : public ::testing::TestWithParam<Bad> {};

TEST_P(ServerConfigErrors, StartWithThePath) {
  try {
    read(GetParam().json);
    FAIL() << "accepted: " << GetParam().json;
  } catch (const sdk::ConfigError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with(GetParam().message_starts)) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ServerConfigErrors,
    ::testing::Values(
        Bad{R"({"listen": []})", "listen: expected at least one"},
        Bad{R"({"listen": 9090})", "listen: expected a list of strings"},
        Bad{R"({"listen": ["127.0.0.1:1", "host:2"]})", "listen[1]: 'host:2' has no valid IP"},
        Bad{R"({"listen": ["127.0.0.1:0"]})", "listen[0]: '127.0.0.1:0' has port 0"},
        Bad{R"({"listen": "1.2.3.4"})", "listen: '1.2.3.4' has no port"},
        Bad{R"({"threads": 0})", "threads: expected an integer from 1 to 16"},
        Bad{R"({"threads": 17})", "threads: expected an integer from 1 to 16"},
        Bad{R"({"limits": 5})", "limits: expected a map"},
        Bad{R"({"limits": {"max_header_bytes": 10}})", "limits.max_header_bytes: expected"},
        Bad{R"({"limits": {"read_timeout_ms": 0}})", "limits.read_timeout_ms: expected"},
        Bad{R"({"limits": {"max_connections": "many"}})", "limits.max_connections: expected"},
        Bad{R"({"limits": {"body": 1}})", "limits.body: unknown key"},
        Bad{R"({"tls": {"cert_file": "/c.pem"}})", "tls.key_file: missing (required)"},
        Bad{R"({"tls": {"cert_file": "c.pem", "key_file": "/k"}})",
            "tls.cert_file: expected an absolute path, got 'c.pem'"},
        Bad{R"({"tls": {"cert_file": "/c", "key_file": "/k", "ca_file": "/a"}})",
            "tls.ca_file: unknown key"}));

}  // namespace
}  // namespace flowlens::http
