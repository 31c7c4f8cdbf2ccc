// SPDX-License-Identifier: BSD-2-Clause
// sink-prometheus config: defaults, the label allow-list, and "PATH: message" errors.
#include "config.h"

#include <gtest/gtest.h>

#include <string>

namespace flowlens::prometheus_sink {
namespace {

TEST(Config, Defaults) {
  const Config c = parse_config("{}");
  ASSERT_EQ(c.server.listen.size(), 1u);
  EXPECT_EQ(c.server.listen[0].text, kDefaultListen);
  EXPECT_EQ(c.server.listen[0].endpoint.address().to_string(), "127.0.0.1");
  EXPECT_NE(c.server.listen[0].endpoint.port(), 9090);  // Prometheus's own port
  EXPECT_TRUE(c.bearer_token_source.empty());
  EXPECT_TRUE(c.series.labels.empty());
  EXPECT_TRUE(c.series.node.empty());  // no node label unless configured
  EXPECT_EQ(c.series.capacity_label, "max_players");
}

TEST(Config, TheOriginalsPrometheusAddr) {
  // flowlensd maps `prometheus_addr: :9090` onto `listen: [":9090"]`.
  const Config c = parse_config(R"({"listen": [":9090"]})");
  ASSERT_EQ(c.server.listen.size(), 1u);
  EXPECT_TRUE(c.server.listen[0].dual_stack);
  EXPECT_EQ(c.server.listen[0].endpoint.port(), 9090);
}

TEST(Config, EverythingSet) {
  const Config c = parse_config(R"({"listen": ["127.0.0.1:4", "[::1]:5"], "threads": 2,
    "bearer_token": "t", "labels": ["game", "com.example.tier"], "limits": {"max_connections": 3},
    "node": "eu-game-7", "capacity_label": "slots"})");
  EXPECT_EQ(c.server.listen.size(), 2u);
  EXPECT_EQ(c.server.threads, 2u);
  EXPECT_EQ(c.server.limits.max_connections, 3u);
  EXPECT_EQ(c.bearer_token_source.value, "t");
  ASSERT_EQ(c.series.labels.size(), 2u);
  EXPECT_EQ(c.series.labels[1].key, "com.example.tier");
  EXPECT_EQ(c.series.labels[1].name, "com_example_tier");
  EXPECT_EQ(c.series.node, "eu-game-7");
  EXPECT_EQ(c.series.capacity_label, "slots");
}

TEST(Config, OneLabelMayBeAString) {
  EXPECT_EQ(parse_config(R"({"labels": "game"})").series.labels.size(), 1u);
}

TEST(Config, ANodeLabelIsFreeWithoutANode) {
  EXPECT_EQ(parse_config(R"({"labels": ["node"]})").series.labels.at(0).name, "node");
}

struct Bad {
  std::string json;
  std::string message_starts;
};

class ConfigErrors : public ::testing::TestWithParam<Bad> {};

TEST_P(ConfigErrors, StartWithThePath) {
  try {
    parse_config(GetParam().json);
    FAIL() << "accepted: " << GetParam().json;
  } catch (const sdk::ConfigError& e) {
    EXPECT_TRUE(std::string(e.what()).starts_with(GetParam().message_starts)) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConfigErrors,
    ::testing::Values(
        Bad{R"({"path": "/m"})", "path: unknown key"},
        Bad{R"({"listen": ["nohost:1"]})", "listen[0]: 'nohost:1' has no valid IP"},
        Bad{R"({"listen": ":99999"})", "listen: ':99999' has no valid port"},
        Bad{R"({"bearer_token": ""})", "bearer_token: must not be empty"},
        Bad{R"({"bearer_token": 5})", "bearer_token: expected a string"},
        Bad{R"({"labels": [1]})", "labels[0]: expected a string"},
        Bad{R"({"labels": [""]})", "labels[0]: a label key may not be empty"},
        Bad{R"({"labels": ["server.id", "x"]})",
            "labels[0]: 'server.id' becomes the metric label "
            "'server_id', which is already taken"},
        Bad{R"({"labels": ["a.b", "a-b"]})", "labels[1]: 'a-b' becomes the metric label 'a_b'"},
        // With a node label set, an exported label may not take its name; without, it may.
        Bad{R"({"node": "h1", "labels": ["node"]})",
            "labels[0]: 'node' becomes the metric label 'node', which is already taken"},
        Bad{R"({"node": ""})", "node: must be 1 to 253 characters"},
        Bad{R"({"node": 7})", "node: expected a string"},
        Bad{R"({"capacity_label": ""})", "capacity_label: must not be empty"},
        Bad{R"({"limits": {"idle_timeout_ms": 0}})", "limits.idle_timeout_ms: expected"},
        Bad{"[]", "(section): expected a map"}, Bad{"{", "(section): not valid JSON"}));

}  // namespace
}  // namespace flowlens::prometheus_sink
