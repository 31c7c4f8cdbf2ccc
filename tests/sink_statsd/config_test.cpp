// SPDX-License-Identifier: BSD-2-Clause
// The config section: defaults, each key, and errors that name the key.
#include "config.h"

#include <flowlens/sdk/config.hpp>

#include <gtest/gtest.h>

namespace flowlens::statsd {
namespace {

Config parse(const std::string& json) {
  const boost::json::object o = boost::json::parse(json).as_object();
  return parse_config(sdk::Config(o));
}

std::string error_of(const std::string& json) {
  try {
    parse(json);
  } catch (const sdk::ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(Config, EmptySectionIsLoopbackUdpWithoutTags) {
  const Config c = parse("{}");
  EXPECT_EQ(c.address.host, "127.0.0.1");
  EXPECT_EQ(c.address.port, 8125);
  EXPECT_EQ(c.protocol, Protocol::kUdp);
  EXPECT_EQ(c.lines.prefix, "flowlens");
  EXPECT_EQ(c.lines.dialect, TagDialect::kNone);
  EXPECT_FALSE(c.lines.labels.has_value());
  EXPECT_EQ(c.max_packet_bytes, 1432u);
  EXPECT_EQ(c.timeout, std::chrono::seconds(1));
}

TEST(Config, EveryKey) {
  const Config c = parse(R"({"address": "[::1]:9125", "protocol": "tcp", "prefix": "games.eu-1",
      "tags": "graphite", "labels": ["game", "region"], "max_packet_bytes": 512,
      "resolve_interval": "5m", "timeout": "250ms"})");
  EXPECT_EQ(c.address.host, "::1");
  EXPECT_EQ(c.address.port, 9125);
  EXPECT_EQ(c.protocol, Protocol::kTcp);
  EXPECT_EQ(c.lines.prefix, "games.eu-1");
  EXPECT_EQ(c.lines.dialect, TagDialect::kGraphite);
  EXPECT_EQ(c.lines.labels, (std::set<std::string>{"game", "region"}));
  EXPECT_EQ(c.max_packet_bytes, 512u);
  EXPECT_EQ(c.resolve_interval, std::chrono::minutes(5));
  EXPECT_EQ(c.timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(parse(R"({"address": "statsd.internal:8125"})").address.host, "statsd.internal");
  EXPECT_EQ(parse(R"({"tags": "dogstatsd"})").lines.dialect, TagDialect::kDogStatsd);
  EXPECT_EQ(parse(R"({"tags": "influxdb"})").lines.dialect, TagDialect::kInflux);
  EXPECT_EQ(parse(R"({"prefix": ""})").lines.prefix, "");
}

TEST(Config, ErrorsNameTheKeyAndWhatIsWrong) {
  const struct {
    const char* json;
    const char* key;
    const char* says;
  } cases[] = {
      {R"({"adress": "x:1"})", "adress", "address"},
      {R"({"address": "statsd"})", "address", "host:port"},
      {R"({"address": "::1:8125"})", "address", "brackets"},
      {R"({"address": "h:0"})", "address", "1-65535"},
      {R"({"address": "h:99999"})", "address", "1-65535"},
      {R"({"address": ":8125"})", "address", "empty"},
      {R"({"protocol": "quic"})", "protocol", "udp"},
      {R"({"tags": "prometheus"})", "tags", "dogstatsd"},
      {R"({"prefix": "a..b"})", "prefix", "empty segment"},
      {R"({"prefix": "a.b."})", "prefix", "end"},
      {R"({"prefix": "a b"})", "prefix", "not ' '"},
      {R"({"max_packet_bytes": 70000})", "max_packet_bytes", "65507"},
      {R"({"max_packet_bytes": 10})", "max_packet_bytes", "128"},
      {R"({"timeout": "1h"})", "timeout", ""},
      {R"({"labels": [1]})", "labels[0]", ""},
  };
  for (const auto& c : cases) {
    const std::string error = error_of(c.json);
    EXPECT_TRUE(error.starts_with(std::string(c.key) + ":")) << c.json << " -> " << error;
    EXPECT_NE(error.find(c.says), std::string::npos) << c.json << " -> " << error;
  }
}

}  // namespace
}  // namespace flowlens::statsd
