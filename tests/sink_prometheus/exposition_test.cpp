// SPDX-License-Identifier: BSD-2-Clause
// The exposition as a scraper reads it, table-driven: which samples exist for which input, their
// values and labels, and that an unknown server is absent rather than 0.
#include "exposition.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace flowlens::prometheus_sink {
namespace {

sdk::ServerEstimate server(std::string id, bool known, uint32_t players) {
  sdk::ServerEstimate s;
  s.server_id = std::move(id);
  s.name = s.server_id;
  s.known = known;
  s.active_players = players;
  for (uint32_t i = 0; i < players; ++i) s.unique_ips.push_back("192.0.2." + std::to_string(i));
  s.total_bytes = known ? 1000 + players : 0;
  if (!known) s.unknown_reason = "warming up";
  return s;
}

sdk::Snapshot snapshot(std::vector<sdk::ServerEstimate> servers) {
  sdk::Snapshot s;
  s.timestamp_unix_ms = 1'795'000'000'000;
  s.servers = std::move(servers);
  return s;
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}
bool has_series(const std::string& text, const std::string& name_and_labels) {
  return ("\n" + text).find("\n" + name_and_labels + " ") != std::string::npos;
}

// Every sample line (not HELP or TYPE) of an exposition.
std::vector<std::string> samples(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && !line.starts_with("#")) out.push_back(line);
  }
  return out;
}

struct Case {
  std::string what;
  sdk::Snapshot input;
  std::vector<ExportedLabel> labels;
  std::vector<std::string> lines;   // each must be a whole line of the output
  std::vector<std::string> absent;  // no sample of these series (name{labels}) may exist
};

sdk::Snapshot labelled() {
  sdk::ServerEstimate s = server("mc-1", true, 2);
  s.name = "Survival \"EU\"";
  s.labels = {{"game", "minecraft"}, {"com.example.tier", "gold"}, {"secret", "x"}};
  return snapshot({s, server("cs-2", true, 0)});
}

sdk::Snapshot capacities() {
  auto with = [](sdk::ServerEstimate s, std::string max_players) {
    s.labels["max_players"] = std::move(max_players);
    return s;
  };
  return snapshot({with(server("full", true, 10), "10"), with(server("warming", false, 0), "64"),
                   server("bare", true, 1), with(server("typo", true, 1), "10x"),
                   with(server("zero", true, 0), "0"), with(server("huge", true, 0), "99999999")});
}

const std::vector<Case> kCases = {
    {"a known server has every series, with the original's names",
     snapshot({server("cs", true, 3)}),
     {},
     {"flowlens_active_players{server_id=\"cs\"} 3", "flowlens_unique_ips{server_id=\"cs\"} 3",
      "flowlens_total_bytes{server_id=\"cs\"} 1003", "flowlens_server_known{server_id=\"cs\"} 1",
      "flowlens_server_info{name=\"cs\",server_id=\"cs\"} 1", "flowlens_node_active_players 3",
      "flowlens_node_unknown_servers 0", "flowlens_node_servers 1",
      "# TYPE flowlens_active_players gauge"},
     {}},
    {"an empty known server is a real 0",
     snapshot({server("idle", true, 0)}),
     {},
     {"flowlens_active_players{server_id=\"idle\"} 0",
      "flowlens_server_known{server_id=\"idle\"} 1"},
     {}},
    {"an unknown server has no count, known 0, and is left out of the node total",
     snapshot({server("cs", true, 3), server("rust", false, 0)}),
     {},
     {"flowlens_server_known{server_id=\"rust\"} 0",
      "flowlens_server_info{name=\"rust\",server_id=\"rust\"} 1", "flowlens_node_active_players 3",
      "flowlens_node_unknown_servers 1", "flowlens_node_servers 2"},
     {"flowlens_active_players{server_id=\"rust\"}", "flowlens_unique_ips{server_id=\"rust\"}",
      "flowlens_total_bytes{server_id=\"rust\"}"}},
    {"only unknown servers: no player sample at all, the node total counts none",
     snapshot({server("a", false, 0)}),
     {},
     {"flowlens_node_active_players 0", "flowlens_node_unknown_servers 1"},
     {"# TYPE flowlens_active_players gauge"}},
    {"no servers: node totals only",
     snapshot({}),
     {},
     {"flowlens_node_active_players 0", "flowlens_node_servers 0"},
     {"# HELP flowlens_server_info"}},
    {"allow-listed labels only, sanitized; the name escaped",
     labelled(),
     {{"game", "game"}, {"com.example.tier", "com_example_tier"}},
     {"flowlens_server_info{com_example_tier=\"gold\",game=\"minecraft\",name=\"Survival "
      "\\\"EU\\\"\",server_id=\"mc-1\"} 1",
      // a server without the label still has the series, with the label empty
      "flowlens_server_info{com_example_tier=\"\",game=\"\",name=\"cs-2\",server_id=\"cs-2\"} 1"},
     {}},
    {"the capacity label becomes flowlens_server_max_players; no label or a bad one, none",
     capacities(),
     {},
     {"flowlens_server_max_players{server_id=\"full\"} 10",
      "flowlens_server_max_players{server_id=\"warming\"} 64"},
     {"flowlens_server_max_players{server_id=\"bare\"}",
      "flowlens_server_max_players{server_id=\"typo\"}",
      "flowlens_server_max_players{server_id=\"zero\"}",
      "flowlens_server_max_players{server_id=\"huge\"}"}},
    {"a hostile server id is a label value, escaped, never a new line",
     snapshot({server("a\"}\nflowlens_node_servers 99", true, 1)}),
     {},
     {"flowlens_active_players{server_id=\"a\\\"}\\nflowlens_node_servers 99\"} 1",
      "flowlens_node_servers 1"},
     {}},
};

class ServersExposition : public ::testing::TestWithParam<Case> {};

TEST_P(ServersExposition, Lines) {
  const Case& c = GetParam();
  SeriesConfig series;
  series.labels = c.labels;
  const std::string text = render_servers(c.input, series);
  for (const auto& line : c.lines) EXPECT_TRUE(has_line(text, line)) << line << "\nin:\n" << text;
  for (const auto& series : c.absent) {
    EXPECT_FALSE(has_series(text, series) || has_line(text, series)) << series << "\nin:\n" << text;
  }
  // The secret label was not allow-listed.
  EXPECT_EQ(text.find("secret"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Table, ServersExposition, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(ServersExposition, EveryFamilyHasHelp) {
  const std::string text = render_servers(snapshot({server("cs", true, 3)}), {});
  std::size_t types = 0;
  for (std::size_t at = text.find("# TYPE "); at != std::string::npos;
       at = text.find("# TYPE ", at + 1)) {
    const std::string name = text.substr(at + 7, text.find(' ', at + 7) - at - 7);
    EXPECT_NE(text.find("# HELP " + name + " "), std::string::npos) << name;
    ++types;
  }
  EXPECT_EQ(types, 8u);  // flowlens_server_max_players has no sample without a capacity label
}

TEST(ServersExposition, ANodeLabelOnEverySample) {
  SeriesConfig series;
  series.node = "eu \"7\"";
  sdk::ServerEstimate cs = server("cs", true, 3);
  cs.labels["max_players"] = "16";
  const std::string text = render_servers(snapshot({cs, server("rust", false, 0)}), series);
  for (const char* line : {
           "flowlens_active_players{node=\"eu \\\"7\\\"\",server_id=\"cs\"} 3",
           "flowlens_server_known{node=\"eu \\\"7\\\"\",server_id=\"rust\"} 0",
           "flowlens_server_max_players{node=\"eu \\\"7\\\"\",server_id=\"cs\"} 16",
           "flowlens_node_active_players{node=\"eu \\\"7\\\"\"} 3",
       }) {
    EXPECT_TRUE(has_line(text, line)) << line << "\nin:\n" << text;
  }
  const std::vector<std::string> lines = samples(text);
  EXPECT_GT(lines.size(), 8u);
  for (const std::string& line : lines) {
    EXPECT_NE(line.find("node=\"eu \\\"7\\\"\""), std::string::npos) << line;
  }
}

const char* kHealth = R"({"version":"0.1.0","uptime_seconds":12.5,"bpf_attached":true,
  "interface":"eth0","last_tick_age_seconds":0.25,"flows":42,"map_capacity":65536,"one_packet_flows":9000,"probation_capacity":16384,
  "tick_duration_seconds":0.003,
  "plugins":[{"instance":"static","plugin":"discovery-static","version":"0.1.0","kind":"discovery",
              "state":"started"},
             {"instance":"prom","plugin":"sink-prometheus","version":"0.1.0","kind":"sink",
              "state":"started","snapshots_delivered":10,"snapshots_skipped":2,
              "events_delivered":3,"events_dropped":1,"failures":0},
             {"instance":"odd","plugin":"sink-x","version":"1","kind":"sink","state":"stuck"}]})";

std::string health(const char* json, std::optional<int64_t> snapshot_ms = std::nullopt,
                   std::string node = "") {
  const boost::json::value v = boost::json::parse(json);
  const auto now = std::chrono::system_clock::time_point(std::chrono::milliseconds(10'000));
  return render_health({v.get_object(), snapshot_ms, now, "9.9.9", node, {3, 512, 7}});
}

TEST(HealthExposition, EveryFieldOfTheHost) {
  const std::string text = health(kHealth);
  for (const char* line : {
           "flowlens_build_info{version=\"0.1.0\"} 1",
           "flowlens_sink_prometheus_build_info{version=\"9.9.9\"} 1",
           "flowlens_uptime_seconds 12.5",
           "flowlens_bpf_attached{interface=\"eth0\"} 1",
           "flowlens_flows_tracked 42",
           "flowlens_flow_map_capacity 65536",
           "flowlens_one_packet_flows 9000",
           "flowlens_probation_capacity 16384",
           "flowlens_last_tick_age_seconds 0.25",
           "flowlens_tick_duration_seconds 0.003",
           "flowlens_plugin_info{kind=\"discovery\",plugin=\"discovery-static\","
           "plugin_instance=\"static\",version=\"0.1.0\"} 1",
           "flowlens_plugin_state{plugin_instance=\"prom\",state=\"started\"} 1",
           "flowlens_plugin_state{plugin_instance=\"prom\",state=\"failed\"} 0",
           "flowlens_plugin_state{plugin_instance=\"odd\",state=\"stuck\"} 1",
           "flowlens_sink_snapshots_delivered_total{plugin_instance=\"prom\"} 10",
           "flowlens_sink_snapshots_skipped_total{plugin_instance=\"prom\"} 2",
           "flowlens_sink_events_delivered_total{plugin_instance=\"prom\"} 3",
           "flowlens_sink_events_dropped_total{plugin_instance=\"prom\"} 1",
           "flowlens_sink_failures_total{plugin_instance=\"prom\"} 0",
           "# TYPE flowlens_sink_snapshots_skipped_total counter",
           "flowlens_sink_prometheus_connections 3",
           "flowlens_sink_prometheus_max_connections 512",
           "flowlens_sink_prometheus_connections_refused_total 7",
       }) {
    EXPECT_TRUE(has_line(text, line)) << line << "\nin:\n" << text;
  }
  // A discovery instance has no sink counters (not zeros it never counted).
  EXPECT_FALSE(
      has_series(text, "flowlens_sink_snapshots_delivered_total{plugin_instance=\"static\"}"));
}

TEST(HealthExposition, ANodeLabelOnEverySample) {
  const std::string text = health(kHealth, std::nullopt, "h1");
  for (const char* line : {
           "flowlens_build_info{node=\"h1\",version=\"0.1.0\"} 1",
           "flowlens_flow_map_capacity{node=\"h1\"} 65536",
           "flowlens_tick_duration_seconds{node=\"h1\"} 0.003",
           "flowlens_sink_events_dropped_total{node=\"h1\",plugin_instance=\"prom\"} 1",
       }) {
    EXPECT_TRUE(has_line(text, line)) << line << "\nin:\n" << text;
  }
  const std::vector<std::string> lines = samples(text);
  EXPECT_GT(lines.size(), 10u);
  for (const std::string& line : lines)
    EXPECT_NE(line.find("node=\"h1\""), std::string::npos) << line;
}

TEST(HealthExposition, BpfDetachedIsZeroAndNoTickYetIsAbsent) {
  const std::string text = health(
      R"({"version":"0.1.0","bpf_attached":false,"interface":"","last_tick_age_seconds":null})",
      5'000);
  EXPECT_TRUE(has_line(text, "flowlens_bpf_attached{interface=\"\"} 0")) << text;
  // The host said "no tick yet": the snapshot's time does not override it.
  EXPECT_EQ(text.find("flowlens_last_tick_age_seconds"), std::string::npos) << text;
}

TEST(HealthExposition, AnOlderHostGetsTheTickAgeFromTheSnapshot) {
  const std::string text = health("{}", 7'500);
  EXPECT_TRUE(has_line(text, "flowlens_last_tick_age_seconds 2.5")) << text;
  EXPECT_EQ(text.find("flowlens_bpf_attached"), std::string::npos) << text;  // not said: absent
  EXPECT_TRUE(has_line(text, "flowlens_sink_prometheus_build_info{version=\"9.9.9\"} 1"));
}

}  // namespace
}  // namespace flowlens::prometheus_sink
