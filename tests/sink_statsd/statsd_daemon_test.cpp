// SPDX-License-Identifier: BSD-2-Clause
// The real StatsD daemon reads back what the built sink-statsd.so pushes: values, names after
// sanitizing, tags, whole-line batches of 1,000 servers, TCP, and what happens to a removed
// server's gauge.
#include "c_snapshot.h"
#include "loaded_plugin.h"
#include "sample_servers.h"
#include "statsd_daemon.h"

#include <gtest/gtest.h>

namespace flowlens::statsd::testing {
namespace {

using Flush = boost::json::object;

std::string config_for(const StatsdDaemon& statsd, const std::string& more = "") {
  return R"({"address": ")" + statsd.address() + "\"" + more + "}";
}

// Pushes `snapshot` every 100 ms (the sink's cadence, compressed) until a flush satisfies `done`;
// every flush written meanwhile is looked at, whenever it lands between two pushes.
std::optional<Flush> push_until(LoadedPlugin& so, const StatsdDaemon& statsd,
                                const CSnapshot& snapshot,
                                const std::function<bool(const Flush&)>& done) {
  std::size_t seen = statsd.flushes().size();
  for (int i = 0; i < 50; ++i) {
    so.deliver(snapshot.get());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::vector<Flush> all = statsd.flushes();
    for (std::size_t k = seen; k < all.size(); ++k) {
      if (done(all[k])) return all[k];
    }
    seen = all.size();
  }
  return std::nullopt;
}

Samples many_servers(std::size_t count) {
  Samples out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i].id = "game-" + std::to_string(i);
    out[i].known = true;
    out[i].active_players = static_cast<uint32_t>(i % 50 + 1);
    out[i].unique_ips = static_cast<uint32_t>(i % 50 + 1);
    out[i].labels = {{"game", "rust"}};
  }
  return out;
}

TEST(RealStatsd, ReadsBackEveryValueAndNoBadLine) {
  StatsdDaemon statsd;
  ASSERT_TRUE(statsd.ready()) << statsd.log();
  LoadedPlugin so;
  ASSERT_EQ(so.start(config_for(statsd)), "");
  const CSnapshot first(fixture_servers(1000)), second(fixture_servers(5096));
  ASSERT_EQ(so.deliver(first.get()), FLOWLENS_OK);
  ASSERT_EQ(so.deliver(second.get()), FLOWLENS_OK);
  const auto f = statsd.wait_for(
      [](const Flush& f) { return StatsdDaemon::counter(f, "flowlens.mc.bytes") == 4096; });
  ASSERT_TRUE(f) << statsd.log() << so.all_logs();
  EXPECT_EQ(StatsdDaemon::gauge(*f, "flowlens.mc.active_players"), 3);
  EXPECT_EQ(StatsdDaemon::gauge(*f, "flowlens.mc.unique_ips"), 3);
  EXPECT_EQ(StatsdDaemon::gauge(*f, "flowlens.eu_rust_1_x.active_players"), 7)
      << "the hostile id 'eu.rust:1|x' is one sanitized name";
  EXPECT_EQ(StatsdDaemon::gauge(*f, "flowlens.valheim.known"), 0);
  EXPECT_FALSE(StatsdDaemon::has_gauge(*f, "flowlens.valheim.active_players"))
      << "an unknown server has no player gauge, not 0";
  EXPECT_EQ(StatsdDaemon::gauge(*f, "flowlens.node_active_players"), 10);
  EXPECT_EQ(StatsdDaemon::gauge(*f, "flowlens.node_unknown_servers"), 1);
  EXPECT_EQ(StatsdDaemon::counter(*f, "statsd.bad_lines_seen"), 0) << statsd.log();
}

TEST(RealStatsd, AGaugeThatFallsIsSetNotDecremented) {
  StatsdDaemon statsd;
  ASSERT_TRUE(statsd.ready()) << statsd.log();
  LoadedPlugin so;
  ASSERT_EQ(so.start(config_for(statsd)), "");
  Samples servers = fixture_servers(0);
  const CSnapshot three(servers);
  ASSERT_TRUE(push_until(so, statsd, three, [](const Flush& f) {
    return StatsdDaemon::gauge(f, "flowlens.mc.active_players") == 3;
  }));
  servers[1].active_players = 1;
  const CSnapshot one(servers);
  const auto f = push_until(so, statsd, one, [](const Flush& f) {
    return StatsdDaemon::gauge(f, "flowlens.mc.active_players") != 3;
  });
  ASSERT_TRUE(f);
  EXPECT_EQ(StatsdDaemon::gauge(*f, "flowlens.mc.active_players"), 1);
}

TEST(RealStatsd, ThousandServersInWholeLineDatagramsAllArrive) {
  StatsdDaemon statsd;
  ASSERT_TRUE(statsd.ready()) << statsd.log();
  LoadedPlugin so;
  ASSERT_EQ(so.start(config_for(statsd)), "");
  const CSnapshot snapshot(many_servers(1000));
  ASSERT_EQ(so.deliver(snapshot.get()), FLOWLENS_OK);
  const auto f = statsd.wait_for([](const Flush& f) {
    return StatsdDaemon::counter(f, "statsd.metrics_received") > 0 &&
           StatsdDaemon::has_gauge(f, "flowlens.node_active_players");
  });
  ASSERT_TRUE(f) << statsd.log();
  EXPECT_EQ(StatsdDaemon::counter(*f, "statsd.metrics_received"), 1000 * 3 + 2);
  EXPECT_EQ(StatsdDaemon::counter(*f, "statsd.bad_lines_seen"), 0);
  std::size_t players = 0;
  for (std::size_t i = 0; i < 1000; ++i) {
    const double v =
        StatsdDaemon::gauge(*f, "flowlens.game-" + std::to_string(i) + ".active_players");
    EXPECT_EQ(v, static_cast<double>(i % 50 + 1)) << "game-" << i;
    players += i % 50 + 1;
  }
  EXPECT_EQ(StatsdDaemon::gauge(*f, "flowlens.node_active_players"), static_cast<double>(players));
}

TEST(RealStatsd, DogStatsdAndGraphiteTagsBecomeTaggedSeries) {
  // StatsD 0.9 turns DogStatsD's |#k:v into Graphite's ;k=v, so both dialects land on one name.
  for (const char* dialect : {"dogstatsd", "graphite"}) {
    StatsdDaemon statsd;
    ASSERT_TRUE(statsd.ready()) << statsd.log();
    LoadedPlugin so;
    ASSERT_EQ(so.start(config_for(statsd, std::string(R"(, "tags": ")") + dialect + "\"")), "");
    const CSnapshot snapshot(fixture_servers(0));
    const std::string tagged = "flowlens.mc.active_players;game=minecraft;region=eu_west";
    const auto f = push_until(so, statsd, snapshot,
                              [&](const Flush& f) { return StatsdDaemon::has_gauge(f, tagged); });
    ASSERT_TRUE(f) << dialect << ": " << boost::json::serialize((*statsd.flushes().rbegin()));
    EXPECT_EQ(StatsdDaemon::gauge(*f, tagged), 3) << dialect;
    EXPECT_EQ(StatsdDaemon::counter(*f, "statsd.bad_lines_seen"), 0) << dialect;
  }
}

TEST(RealStatsd, OverTcp) {
  StatsdDaemon statsd({.tcp = true});
  ASSERT_TRUE(statsd.ready()) << statsd.log();
  LoadedPlugin so;
  ASSERT_EQ(so.start(config_for(statsd, R"(, "protocol": "tcp")")), "");
  const CSnapshot snapshot(many_servers(1000));
  const auto f = push_until(so, statsd, snapshot, [](const Flush& f) {
    return StatsdDaemon::gauge(f, "flowlens.game-999.active_players") == 50;
  });
  ASSERT_TRUE(f) << statsd.log() << so.all_logs();
  EXPECT_EQ(StatsdDaemon::counter(*f, "statsd.bad_lines_seen"), 0);
}

// What the README says: StatsD keeps a removed server's last gauge unless deleteGauges is on.
TEST(RealStatsd, ARemovedServersGaugeStaysUnlessDeleteGauges) {
  for (bool delete_gauges : {false, true}) {
    StatsdDaemon statsd({.delete_gauges = delete_gauges});
    ASSERT_TRUE(statsd.ready()) << statsd.log();
    LoadedPlugin so;
    ASSERT_EQ(so.start(config_for(statsd)), "");
    Samples servers = fixture_servers(0);
    const CSnapshot with(servers);
    ASSERT_TRUE(push_until(so, statsd, with, [](const Flush& f) {
      return StatsdDaemon::has_gauge(f, "flowlens.mc.active_players");
    }));
    servers.erase(servers.begin() + 1);  // discovery withdrew "mc"
    const CSnapshot without(servers);
    // Three flushes later, with pushes in between that no longer name it:
    std::optional<Flush> f;
    for (int i = 0; i < 3; ++i) {
      f = push_until(so, statsd, without, [](const Flush&) { return true; });
    }
    ASSERT_TRUE(f);
    EXPECT_EQ(StatsdDaemon::has_gauge(*f, "flowlens.mc.active_players"), !delete_gauges)
        << "deleteGauges: " << delete_gauges;
  }
}

}  // namespace
}  // namespace flowlens::statsd::testing
