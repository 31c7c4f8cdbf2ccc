// SPDX-License-Identifier: BSD-2-Clause
// The daemon's PluginSet as /health sees it: every running instance with its kind, state and a
// sink's delivery counters, rendered as health_json's text; and a sink losing events named in the
// log once per tick, not once per event.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "abi_test_support.h"
#include "daemon/health.h"
#include "daemon/plugin_set.h"

namespace flowlens::daemon {
namespace {

using plugin_host::testing::RecordingServices;
using plugin_host::testing::TrustedDir;

config::PluginInstanceConfig instance(std::string name, std::string plugin, std::string json) {
  config::PluginInstanceConfig c;
  c.name = std::move(name);
  c.plugin = std::move(plugin);
  c.config_json = std::move(json);
  return c;
}

// Routes spdlog into a string for the test's lifetime.
class CapturedLog {
 public:
  CapturedLog() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  std::string take() {
    std::string out = text_.str();
    text_.str("");
    return out;
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

class PluginSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.add("abi_health_probe", "health-probe");
    dir_.add("abi_slow_sink", "slow-sink");
  }
  TrustedDir dir_;
  RecordingServices services_;
};

TEST_F(PluginSetTest, HealthListsEveryInstanceWithKindStateAndSinkCounters) {
  PluginSet set(services_);
  ASSERT_EQ(set.start_all({instance("probe", "health-probe", "{}"),
                           instance("slow", "slow-sink", R"({"delay_ms": 0})")},
                          dir_.path()),
            0u);
  set.post_snapshot(std::make_shared<model::Snapshot>());
  const std::vector<InstanceHealth> health = set.health();
  ASSERT_EQ(health.size(), 2u);
  EXPECT_EQ(health[0].instance, "probe");
  EXPECT_EQ(health[0].plugin, "health-probe");
  EXPECT_EQ(health[0].version, "1.1.0");
  EXPECT_EQ(health[0].kind, "discovery");
  EXPECT_EQ(health[0].state, "started");
  EXPECT_FALSE(health[0].sink) << "no delivery counters for a discovery plugin";
  EXPECT_EQ(health[1].kind, "sink");
  ASSERT_TRUE(health[1].sink);

  DaemonHealth daemon;
  daemon.version = "9.9.9";
  daemon.uptime_seconds = 33.84;
  daemon.plugins = health;
  const std::string json = to_json(daemon);
  EXPECT_NE(json.find(R"({"version":"9.9.9","uptime_seconds":33.840,)"), std::string::npos)
      << "plain decimals, not 3.384E1: " << json;
  EXPECT_NE(json.find(R"("last_tick_age_seconds":null)"), std::string::npos) << json;
  daemon.last_tick_age_seconds = 0.25;
  EXPECT_NE(to_json(daemon).find(R"("last_tick_age_seconds":0.250,)"), std::string::npos);
  EXPECT_NE(json.find(R"({"instance":"probe","plugin":"health-probe","version":"1.1.0",)"
                      R"("kind":"discovery","state":"started"})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("events_dropped":0,"failures":0})"), std::string::npos) << json;
  set.stop_all();
  EXPECT_TRUE(set.health().empty());
}

TEST_F(PluginSetTest, AnInstanceThatFailedToStartIsListedAsFailedWithWhy) {
  PluginSet set(services_);
  ASSERT_EQ(set.start_all({instance("probe", "health-probe", "{}"),
                           instance("typo", "slow-sink", R"({"delay_ms": "soon"})"),
                           instance("gone", "sink-nonexistent", "{}")},
                          dir_.path()),
            2u);
  const std::vector<InstanceHealth> health = set.health();
  ASSERT_EQ(health.size(), 3u) << "a failed instance is shown, not left out";
  EXPECT_EQ(health[1].instance, "typo");
  EXPECT_EQ(health[1].state, "failed");
  EXPECT_NE(health[1].error.find("delay_ms: expected an integer"), std::string::npos)
      << health[1].error;
  EXPECT_EQ(health[2].instance, "gone");
  EXPECT_EQ(health[2].state, "failed");
  DaemonHealth daemon;
  daemon.plugins = health;
  const std::string json = to_json(daemon);
  EXPECT_NE(json.find(R"("instance":"typo","plugin":"slow-sink","version":"","kind":"",)"
                      R"("state":"failed","error":)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("tick_duration_seconds":null)"), std::string::npos) << json;
  daemon.plugins[0].status = "degraded";
  daemon.plugins[0].detail = "docker unreachable";
  EXPECT_NE(to_json(daemon).find(R"("state":"started","status":"degraded",)"
                                 R"("detail":"docker unreachable"})"),
            std::string::npos)
      << to_json(daemon);
  daemon.tick_duration_seconds = 0.0042;
  EXPECT_NE(to_json(daemon).find(R"("tick_duration_seconds":0.004,)"), std::string::npos);
  set.stop_all();
}

TEST_F(PluginSetTest, EventDropsAreWarnedOncePerTickNamingTheSink) {
  CapturedLog log;
  PluginSet set(services_);
  ASSERT_EQ(set.start_all({instance("slow", "slow-sink", R"({"delay_ms": 300})")}, dir_.path()),
            0u);
  plugin_host::Event event;
  event.message = "burst";
  // One event taken by the sink's thread at most, a full queue of 1024, the rest dropped.
  for (int i = 0; i < 1100; ++i) set.post_event(event);
  const uint64_t dropped = set.health().at(0).sink->events_dropped;
  EXPECT_GE(dropped, 1100u - 1024u - 1u);
  log.take();

  set.warn_event_drops();  // a tick
  std::string text = log.take();
  EXPECT_NE(text.find("sink 'slow' dropped " + std::to_string(dropped) + " events"),
            std::string::npos)
      << text;
  set.warn_event_drops();  // the next tick, nothing new dropped
  EXPECT_EQ(log.take().find("dropped"), std::string::npos);
  set.stop_all();
}

TEST_F(PluginSetTest, ReopenAsksEveryRunningInstanceButThoseJustStartedAndNamesAFailure) {
  dir_.add("abi_reopen_sink", "sink-reopen");
  const std::filesystem::path a = dir_.path() / "a.txt", b = dir_.path() / "b.txt";
  std::ofstream(a) << "a1";
  std::ofstream(b) << "b1";
  CapturedLog log;
  PluginSet set(services_);
  ASSERT_EQ(set.start_all({instance("probe", "health-probe", "{}"),
                           instance("a", "sink-reopen", R"({"file": ")" + a.string() + R"("})"),
                           instance("b", "sink-reopen", R"({"file": ")" + b.string() + R"("})")},
                          dir_.path()),
            0u);
  std::ofstream(a) << "a2";
  std::ofstream(b) << "b2";
  // "probe" has no reopen (a 1.1 plugin); "b" was just restarted by the reload.
  EXPECT_EQ(set.reopen({"b"}), std::vector<std::string>{"a"});
  EXPECT_TRUE(services_.logged("a: holding 'a2'"));
  EXPECT_FALSE(services_.logged("b: holding 'b2'"));

  std::filesystem::remove(a);
  log.take();
  EXPECT_EQ(set.reopen({}), std::vector<std::string>{"b"});
  const std::string text = log.take();
  EXPECT_NE(text.find("plugin instance 'a' could not re-read its files: file: " + a.string() +
                      ": cannot open"),
            std::string::npos)
      << text;
  EXPECT_EQ(set.health().at(1).state, "started") << "a refused file stops nothing";
  set.stop_all();
}

}  // namespace
}  // namespace flowlens::daemon
