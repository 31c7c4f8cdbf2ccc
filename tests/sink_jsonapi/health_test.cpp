// SPDX-License-Identifier: BSD-2-Clause
// /health: the plugin's own view merged with the daemon's (the host's health_json, ABI 1.1),
// nulls where an older host says nothing, and the sink fetching the host's text sparingly.
#include "jsonapi_sink.h"
#include "routed_request.h"
#include "router.h"
#include "test_host.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <string_view>

namespace flowlens::jsonapi {
namespace {

namespace http = boost::beast::http;
using std::chrono::milliseconds;
using testing::body;
using testing::kTick;
using testing::run;

Snapshot three_servers() {
  Snapshot s;
  s.timestamp_unix_ms = kTick;
  for (const char* id : {"mc-1", "cs-2", "rust-3"}) s.servers.emplace_back().server_id = id;
  return s;
}

TEST(Health, IsDegradedWhenTheTickIsStaleOrBpfDetached) {
  Config config;
  State state;
  state.snapshot = std::make_shared<RenderedSnapshot>(three_servers(), true);
  config.stale_after = milliseconds(1000);  // the tick is 1.5 s old in run()
  EXPECT_EQ(run(config, state, "/health").result_int(), 503);

  config.stale_after = milliseconds(60'000);
  state.host = parse_host_status(
      R"({"bpf_attached":false,"plugins":[{"instance":"jsonapi","state":"started"}]})");
  const Response r = run(config, state, "/health");
  EXPECT_EQ(r.result_int(), 503);
  EXPECT_NE(body(r).find("\"status\":\"degraded\""), std::string::npos);
  EXPECT_NE(body(r).find("\"bpf_attached\":false"), std::string::npos);
  EXPECT_NE(body(r).find("{\"instance\":\"jsonapi\",\"state\":\"started\"}"), std::string::npos);

  state.host = parse_host_status(R"({"bpf_attached":true})");
  EXPECT_EQ(run(config, state, "/health").result_int(), 200);
}

TEST(Health, TickAgeIgnoresTheWallClockTheSnapshotWasStampedWith) {
  // NTP stepping the clock an hour either way between two ticks must not make a fresh tick
  // look stale (503 to every probe) or an old one look fresh.
  Config config;
  config.stale_after = milliseconds(60'000);
  State state;
  state.host = parse_host_status(R"({"bpf_attached":true})");
  for (const int64_t step_ms : {-3'600'000LL, 3'600'000LL}) {
    Snapshot s = three_servers();
    s.timestamp_unix_ms = kTick + step_ms;
    state.snapshot = std::make_shared<RenderedSnapshot>(s, true);
    const Response r = run(config, state, "/health");
    EXPECT_EQ(r.result_int(), 200) << step_ms;
    EXPECT_NE(body(r).find("\"last_tick_age_seconds\":1.5"), std::string::npos) << body(r);
  }
}

// What health_json of an ABI 1.1 host returns, as the daemon renders it.
constexpr std::string_view kHostHealth =
    R"({"version":"0.4.2","uptime_seconds":125.5,"bpf_attached":true,"interface":"eth0",)"
    R"("last_tick_age_seconds":0.25,"flows":17,"map_capacity":65536,"plugins":[)"
    R"({"instance":"static","plugin":"discovery-static","version":"0.4.2","kind":"discovery",)"
    R"("state":"started"},{"instance":"jsonapi","plugin":"sink-jsonapi","version":"0.4.2",)"
    R"("kind":"sink","state":"started","snapshots_delivered":12,"snapshots_skipped":0,)"
    R"("events_delivered":3,"events_dropped":0,"failures":0}],"future_field":"kept"})";

TEST(Health, ShowsTheHostsFieldsAndKeepsItsOwn) {
  State state;
  state.snapshot = std::make_shared<RenderedSnapshot>(three_servers(), true);
  state.host = parse_host_status(kHostHealth);
  const Response r = run(Config{}, state, "/health");
  EXPECT_EQ(r.result_int(), 200);
  const boost::json::object h = boost::json::parse(body(r)).as_object();
  EXPECT_EQ(h.at("status"), "ok");
  EXPECT_EQ(h.at("version"), "0.4.2");
  EXPECT_EQ(h.at("uptime_seconds").as_double(), 125.5);
  EXPECT_EQ(h.at("bpf_attached"), true);
  EXPECT_EQ(h.at("interface"), "eth0");
  EXPECT_EQ(h.at("flows").as_int64(), 17);
  EXPECT_EQ(h.at("map_capacity").as_int64(), 65536);
  EXPECT_EQ(h.at("future_field"), "kept") << "fields of a newer daemon pass through";
  // The plugin's own view of the tick it serves wins; the daemon's is kept beside it.
  EXPECT_EQ(h.at("last_tick_age_seconds").as_double(), 1.5);
  EXPECT_EQ(h.at("daemon_last_tick_age_seconds").as_double(), 0.25);
  EXPECT_EQ(h.at("plugin_uptime_seconds").as_int64(), 42);
  EXPECT_EQ(h.at("servers").as_int64(), 3);
  const boost::json::array& plugins = h.at("plugins").as_array();
  ASSERT_EQ(plugins.size(), 2u);
  EXPECT_EQ(plugins[1].at("instance"), "jsonapi");
  EXPECT_EQ(plugins[1].at("kind"), "sink");
  EXPECT_EQ(plugins[1].at("snapshots_delivered").as_int64(), 12);
}

TEST(Health, HostHealthThatIsNotAnObjectCountsAsNotReported) {
  for (std::string_view text : {"", "not json", "[1,2]", R"({"version":)"}) {
    EXPECT_TRUE(parse_host_status(text).fields.empty()) << text;
    EXPECT_EQ(parse_host_status(text).bpf_attached(), std::nullopt) << text;
  }
}

TEST(Health, OnlyHealthRequestsNeedTheHostsHealth) {
  EXPECT_TRUE(is_health_request(Request{http::verb::get, "/health", 11}));
  EXPECT_TRUE(is_health_request(Request{http::verb::head, "/health?probe=lb", 11}));
  EXPECT_FALSE(is_health_request(Request{http::verb::get, "/healthz", 11}));
  EXPECT_FALSE(is_health_request(Request{http::verb::get, "/metrics/servers", 11}));
}

TEST(Health, FetchesTheHostsHealthForHealthOnlyAndAtMostOnceASecond) {
  Config config;
  config.auth = AuthMode::kNone;
  JsonApiSink sink(config, "9.9.9",
                   flowlens::testing::test_host());  // never started: handle() needs no socket
  sink.publish(three_servers());
  int fetches = 0;
  sink.set_host_health([&] {
    ++fetches;
    return std::string(R"({"version":"0.4.2","bpf_attached":true})");
  });
  EXPECT_EQ(sink.handle(Request{http::verb::get, "/metrics/servers", 11}).result_int(), 200);
  EXPECT_EQ(fetches, 0);
  for (int i = 0; i < 50; ++i) {
    const Response r = sink.handle(Request{http::verb::get, "/health", 11});
    ASSERT_NE(body(r).find("\"version\":\"0.4.2\""), std::string::npos) << body(r);
  }
  EXPECT_EQ(fetches, 1) << "a flood of unauthenticated /health must not reach the daemon";
}

TEST(Health, SaysNullForWhatTheHostDoesNotReport) {
  State state;
  state.snapshot = std::make_shared<RenderedSnapshot>(three_servers(), true);
  const std::string b = body(run(Config{}, state, "/health"));
  for (const char* field : {"version", "uptime_seconds", "bpf_attached", "interface",
                            "daemon_last_tick_age_seconds", "flows", "map_capacity", "plugins"}) {
    EXPECT_NE(b.find("\"" + std::string(field) + "\":null"), std::string::npos) << field << b;
  }
  EXPECT_NE(b.find("\"status\":\"ok\""), std::string::npos) << b;
  EXPECT_NE(b.find("\"plugin_uptime_seconds\":42"), std::string::npos) << b;
  EXPECT_NE(b.find("\"servers\":3"), std::string::npos) << b;
}

}  // namespace
}  // namespace flowlens::jsonapi
