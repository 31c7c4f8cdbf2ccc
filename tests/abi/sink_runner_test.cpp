// SPDX-License-Identifier: BSD-2-Clause
// SinkRunner: a slow sink gets the latest snapshot and the newest events, and nobody posting to
// it ever waits for it.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "abi_test_support.h"
#include "plugin_host/loader.h"
#include "plugin_host/plugin_instance.h"
#include "plugin_host/sink_runner.h"

namespace flowlens::plugin_host {
namespace {

using namespace std::chrono_literals;
using testing::RecordingServices;
using testing::TrustedDir;

model::SnapshotPtr snapshot_at(int64_t ms) {
  auto s = std::make_shared<model::Snapshot>();
  s->timestamp_unix_ms = ms;
  return s;
}

// Polls `done` for up to 30 s: long enough for a loaded CI box, and only waited on failure.
template <class Pred>
bool eventually(Pred done) {
  for (int i = 0; i < 3000 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

class SinkRunnerTest : public ::testing::Test {
 protected:
  std::unique_ptr<PluginInstance> sink(const std::string& name, int delay_ms) {
    auto inst = std::make_unique<PluginInstance>(name, load_plugin_file(dir_.add("abi_slow_sink")),
                                                 services_);
    inst->create("{\"delay_ms\": " + std::to_string(delay_ms) + "}");
    inst->start();
    return inst;
  }
  TrustedDir dir_;
  RecordingServices services_;
};

TEST_F(SinkRunnerTest, SlowSinkSkipsToTheLatestSnapshotAndPostersNeverWait) {
  auto inst = sink("slow", 200);
  SinkRunner runner(*inst, services_);
  runner.start();
  for (int i = 1; i <= 50; ++i) runner.post_snapshot(snapshot_at(i));
  // 50 posts against a sink needing 200 ms each: had any post waited, several would be done.
  EXPECT_LE(runner.stats().snapshots_delivered, 1u);
  ASSERT_TRUE(eventually([&] { return services_.logged("slow: snapshot 50"); }));
  SinkStats stats = runner.stats();
  EXPECT_LE(stats.snapshots_delivered, 3u);
  EXPECT_GE(stats.snapshots_skipped, 47u);
  EXPECT_TRUE(runner.stop());
  inst->stop();
}

TEST_F(SinkRunnerTest, FullEventQueueDropsTheOldestAndCountsIt) {
  auto inst = sink("events", 50);
  SinkRunner runner(*inst, services_, 4);
  runner.start();
  for (int i = 0; i < 20; ++i) {
    Event e;
    e.message = "e" + std::to_string(i);
    runner.post_event(e);
  }
  ASSERT_TRUE(eventually([&] {
    SinkStats s = runner.stats();
    return s.events_delivered + s.events_dropped == 20;
  }));
  EXPECT_GE(runner.stats().events_dropped, 15u);
  EXPECT_TRUE(services_.logged("events: event e19")) << "the newest event survives";
  EXPECT_FALSE(services_.logged("events: event e5")) << "a middle one was dropped";
  runner.stop();
}

TEST_F(SinkRunnerTest, FailingSinkIsCountedAndLoggedOnceNotPerSnapshot) {
  auto inst = std::make_unique<PluginInstance>(
      "thrower", load_plugin_file(dir_.add("abi_throwing")), services_);
  inst->create("{}");
  inst->start();
  SinkRunner runner(*inst, services_);
  runner.start();
  for (int i = 0; i < 5; ++i) {
    runner.post_snapshot(snapshot_at(i));
    ASSERT_TRUE(eventually([&] { return runner.stats().snapshot_failures == uint64_t(i + 1); }));
  }
  runner.stop();
  int failures_logged = 0;
  for (const auto& line : services_.logs()) {
    failures_logged += line.find("on_snapshot failed: snapshot exploded") != std::string::npos;
  }
  EXPECT_EQ(failures_logged, 1);
}

TEST_F(SinkRunnerTest, StopGivesUpOnASinkStuckInACallback) {
  // Leaked on purpose: the abandoned delivery thread still uses all three when it wakes up.
  auto* services = new RecordingServices;
  auto* inst = new PluginInstance("stuck", load_plugin_file(dir_.add("abi_slow_sink")), *services);
  inst->create(R"({"delay_ms": 3000})");
  inst->start();
  auto* runner = new SinkRunner(*inst, *services);
  runner->start();
  runner->post_snapshot(snapshot_at(1));
  std::this_thread::sleep_for(100ms);  // let the thread enter on_snapshot
  EXPECT_FALSE(runner->stop(200ms));
}

}  // namespace
}  // namespace flowlens::plugin_host
