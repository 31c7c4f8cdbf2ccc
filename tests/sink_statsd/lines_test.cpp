// SPDX-License-Identifier: BSD-2-Clause
// What StatsD receives, byte for byte, per tag dialect; hostile ids and labels; unknown servers.
#include "fixture_file.h"
#include "lines.h"
#include "metric_name.h"
#include "packer.h"
#include "sample_servers.h"

#include <gtest/gtest.h>

#include <regex>

namespace flowlens::statsd {
namespace {

using testing::fixture;
using testing::fixture_servers;

std::string second_push(TagDialect dialect) {
  LineRenderer renderer({"flowlens", dialect, std::nullopt});
  renderer.render(fixture_servers(1000));  // the first push sets the byte baselines
  const auto datagrams = pack_lines(renderer.render(fixture_servers(5096)).lines, 1432);
  return datagrams.size() == 1 ? datagrams[0]
                               : "(" + std::to_string(datagrams.size()) + " datagrams)";
}

struct DialectCase {
  const char* why;
  TagDialect dialect;
  const char* recorded;
};

TEST(Lines, EachDialectMatchesItsRecordedDatagram) {
  const DialectCase cases[] = {
      {"no tags: the server id in the name is the identity", TagDialect::kNone, "none.datagram"},
      {"DogStatsD tags after the type: |#k:v,k:v", TagDialect::kDogStatsd, "dogstatsd.datagram"},
      {"InfluxDB/Telegraf tags after the name: ,k=v", TagDialect::kInflux, "influxdb.datagram"},
      {"Graphite tagged series: ;k=v", TagDialect::kGraphite, "graphite.datagram"},
  };
  for (const DialectCase& c : cases) {
    const std::string want = fixture(c.recorded);
    ASSERT_FALSE(want.empty()) << c.recorded;
    EXPECT_EQ(second_push(c.dialect), want) << c.why;
  }
}

TEST(Lines, OnlyAllowListedLabelsBecomeTags) {
  LineRenderer renderer({"fl", TagDialect::kDogStatsd, std::set<std::string>{"game"}});
  const auto lines = renderer.render(fixture_servers(0)).lines;
  EXPECT_EQ(lines[3], "fl.mc.active_players:3|g|#game:minecraft");
}

// A StatsD line as the Etsy daemon parses it: name (with optional tags), ':', an unsigned value
// without sign, '|', type, optional DogStatsD tags. Nothing else: no second ':' or '|'.
const std::regex kOneMetricLine(
    R"(^[A-Za-z0-9_.-]+((,[A-Za-z0-9_.-]+=[A-Za-z0-9_.-]+)+|(;[A-Za-z0-9_.-]+=[A-Za-z0-9_.-]+)+)?)"
    R"(:[0-9]+\|(g|c)(\|#[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+)*)?$)");

TEST(Lines, HostileIdsAndLabelsCannotInjectOrBreakALine) {
  const std::vector<std::string> ids = {"eu.rust:1|x",
                                        "a\nevil:1|c",
                                        "mc;role=admin",
                                        "x|#evil:1",
                                        "a,b=c",
                                        "Ünïcödé 服务器",
                                        "../../etc",
                                        "",
                                        std::string("nul\0byte", 8),
                                        std::string(5000, 'z')};
  for (TagDialect d :
       {TagDialect::kNone, TagDialect::kDogStatsd, TagDialect::kInflux, TagDialect::kGraphite}) {
    Samples servers;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      ServerSample s;
      s.id = ids[i] + std::to_string(i);  // distinct after sanitizing
      s.known = true;
      s.active_players = 1;
      s.labels = {{"k:e|y,#;=", "v\nal;ue|#,x=y"}, {"game", "ok"}};
      servers.push_back(s);
    }
    const auto lines = LineRenderer({"flowlens", d, std::nullopt}).render(servers).lines;
    // Three gauges per server and two node totals: no line was added or lost.
    ASSERT_EQ(lines.size(), ids.size() * 3 + 2);
    for (const std::string& line : lines) {
      EXPECT_TRUE(std::regex_match(line, kOneMetricLine)) << line;
      const std::string name = line.substr(0, line.find_first_of(",;:"));
      const auto dots = std::count(name.begin(), name.end(), '.');
      EXPECT_TRUE(dots == 2 || dots == 1) << "name with extra segments: " << name;
      EXPECT_LE(name.size(), 9 + kMaxSegmentBytes + 16) << "id not cut: " << name.size();
    }
  }
}

TEST(Lines, UnknownServerSendsNoPlayerGaugeAndIsCountedApart) {
  LineRenderer renderer({"flowlens", TagDialect::kNone, std::nullopt});
  Samples servers(2);
  servers[0] = {"up", true, 4, 4, 100, {}};
  servers[1] = {"down", false, 0, 0, 0, {}};
  const auto lines = renderer.render(servers).lines;
  const std::vector<std::string> want = {"flowlens.up.active_players:4|g",
                                         "flowlens.up.unique_ips:4|g",
                                         "flowlens.up.known:1|g",
                                         "flowlens.down.known:0|g",
                                         "flowlens.node_active_players:4|g",
                                         "flowlens.node_unknown_servers:1|g"};
  EXPECT_EQ(lines, want);
}

TEST(Lines, NoNodeTotalWhenEveryServerIsUnknown) {
  LineRenderer renderer({"flowlens", TagDialect::kNone, std::nullopt});
  Samples servers(1);
  servers[0] = {"down", false, 0, 0, 0, {}};
  const std::vector<std::string> want = {"flowlens.down.known:0|g",
                                         "flowlens.node_unknown_servers:1|g"};
  EXPECT_EQ(renderer.render(servers).lines, want);
  // No server at all is a true zero.
  const std::vector<std::string> empty = {"flowlens.node_active_players:0|g",
                                          "flowlens.node_unknown_servers:0|g"};
  EXPECT_EQ(renderer.render({}).lines, empty);
}

TEST(Lines, BytesCounterIsTheGrowthSinceThePreviousPush) {
  LineRenderer renderer({"", TagDialect::kNone, std::nullopt});
  auto bytes_line = [&](bool known, uint64_t total) -> std::string {
    Samples s(1);
    s[0] = {"mc", known, 1, 1, total, {}};
    for (const auto& line : renderer.render(s).lines) {
      if (line.starts_with("mc.bytes")) return line;
    }
    return "";
  };
  EXPECT_EQ(bytes_line(true, 1000), "") << "first push: only the baseline";
  EXPECT_EQ(bytes_line(true, 1500), "mc.bytes:500|c");
  EXPECT_EQ(bytes_line(true, 1200), "") << "flows expired: never a negative counter";
  EXPECT_EQ(bytes_line(true, 1300), "mc.bytes:100|c");
  EXPECT_EQ(bytes_line(false, 0), "") << "unknown: nothing";
  EXPECT_EQ(bytes_line(true, 9000), "") << "back from unknown: a new baseline, not a spike";
}

TEST(Lines, TwoIdsWithOneNameSendTheFirstAndReportTheClash) {
  LineRenderer renderer({"flowlens", TagDialect::kNone, std::nullopt});
  Samples servers(2);
  servers[0] = {"eu.rust", true, 1, 1, 0, {}};
  servers[1] = {"eu_rust", true, 9, 9, 0, {}};
  const RenderedPush push = renderer.render(servers);
  EXPECT_EQ(push.lines[0], "flowlens.eu_rust.active_players:1|g");
  EXPECT_EQ(push.lines.size(), 3u + 2u);
  ASSERT_EQ(push.name_clashes.size(), 1u);
  EXPECT_EQ(push.name_clashes[0].second, "eu_rust");
}

}  // namespace
}  // namespace flowlens::statsd
