// SPDX-License-Identifier: BSD-2-Clause
// Instances: create -> start -> stop -> destroy through the real host API, the frozen v1 C plugin
// doing real work, and plugins that fail or throw reported by instance name, never crashing us.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "abi_test_support.h"
#include "plugin_host/loader.h"
#include "plugin_host/plugin_error.h"
#include "plugin_host/plugin_instance.h"
#include "plugin_host/snapshot_view.h"

namespace flowlens::plugin_host {
namespace {

using testing::RecordingServices;
using testing::TrustedDir;
namespace fs = std::filesystem;

model::SnapshotPtr two_server_snapshot() {
  auto s = std::make_shared<model::Snapshot>();
  s->timestamp_unix_ms = 1700000000000;
  model::ServerEstimate mc;
  mc.server_id = "mc";
  mc.known = true;
  mc.active_players = 3;
  mc.unique_ips = {"10.0.0.1"};
  model::ServerEstimate cs;
  cs.server_id = "cs";
  cs.known = false;
  cs.unknown_reason = "just discovered";
  s->servers = {mc, cs};
  return s;
}

// Runs `fn` expecting a PluginError; returns its message.
template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const PluginError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no PluginError";
  return "";
}

class Lifecycle : public ::testing::Test {
 protected:
  std::unique_ptr<PluginInstance> instance(const std::string& fixture, const std::string& name) {
    return std::make_unique<PluginInstance>(name, load_plugin_file(dir_.add(fixture)), services_);
  }
  TrustedDir dir_;
  RecordingServices services_;
};

TEST_F(Lifecycle, FrozenV1PluginPublishesServersEmitsEventsAndReadsSnapshots) {
  services_.set_snapshot(two_server_snapshot());
  auto inst = instance("abi_frozen_v1", "static-a");
  inst->create(R"({"servers": []})");
  EXPECT_EQ(inst->state(), InstanceState::kCreated);
  inst->start();
  EXPECT_EQ(inst->state(), InstanceState::kStarted);

  auto calls = services_.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].what, "add");
  EXPECT_EQ(calls[0].instance, "static-a");
  ASSERT_EQ(calls[0].servers.size(), 2u);
  const model::Server& mc = calls[0].servers[0];
  EXPECT_EQ(mc.id, "mc");
  EXPECT_EQ(mc.name, "Minecraft");
  ASSERT_EQ(mc.endpoints.size(), 1u);
  EXPECT_EQ(mc.endpoints[0].port, 25565);
  EXPECT_EQ(mc.endpoints[0].proto, FLOWLENS_PROTO_TCP);
  EXPECT_EQ(mc.labels.at("game"), "minecraft");
  const model::Server& cs = calls[0].servers[1];
  EXPECT_EQ(cs.name, "cs") << "a NULL name means the id";
  EXPECT_EQ(cs.endpoints.size(), 2u);
  EXPECT_EQ(calls[1].what, "remove");
  EXPECT_EQ(calls[1].ids, std::vector<std::string>{"cs"});
  EXPECT_EQ(calls[2].what, "replace");
  EXPECT_EQ(calls[2].servers.size(), 1u);

  EXPECT_TRUE(services_.logged("static-a: cs: endpoint with port 0"));
  EXPECT_TRUE(services_.logged("latest snapshot: 2 servers, first cs")) << "sorted by id";
  auto events = services_.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, static_cast<uint32_t>(FLOWLENS_EVENT_THRESHOLD_CROSSED));
  EXPECT_EQ(events[0].source, "static-a");
  EXPECT_EQ(events[0].server_id, "mc");
  EXPECT_GT(events[0].timestamp_unix_ms, 0) << "the host stamps events emitted with 0";

  std::string error;
  EXPECT_EQ(inst->deliver_snapshot(SnapshotView(two_server_snapshot()), error), FLOWLENS_OK);
  EXPECT_TRUE(services_.logged("snapshot 1: 2 servers, 3 players")) << "unknown is not counted";
  EXPECT_EQ(inst->deliver_event(events[0], error), FLOWLENS_OK);
  EXPECT_TRUE(services_.logged("event from static-a: mc reached 10"));

  inst->stop();
  EXPECT_TRUE(services_.logged("static-a: stopped"));
  inst->destroy();
  EXPECT_EQ(inst->state(), InstanceState::kDestroyed);
}

TEST_F(Lifecycle, CreateErrorFromCPluginNamesInstancePluginAndItsMessage) {
  auto inst = instance("abi_frozen_v1", "static-broken");
  std::string msg = error_of([&] { inst->create(R"({"fail": true})"); });
  EXPECT_NE(msg.find("instance 'static-broken' (plugin frozen-v1 1.0.0)"), std::string::npos)
      << msg;
  EXPECT_NE(msg.find("create failed: key 'fail': this instance was told to fail"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("[config error]"), std::string::npos) << msg;
  EXPECT_EQ(inst->state(), InstanceState::kFailed);
}

TEST_F(Lifecycle, ExceptionInCppCreateIsReportedByNameWithItsMessage) {
  auto inst = instance("abi_throwing", "webhook-1");
  std::string msg = error_of([&] { inst->create(R"({"throw_in_create": true})"); });
  EXPECT_NE(msg.find("instance 'webhook-1' (plugin throwing 6.6.6): create failed: "
                     "constructor exploded on purpose"),
            std::string::npos)
      << msg;
}

TEST_F(Lifecycle, CppConfigHelperReportsKeyAndExpectation) {
  auto unknown = instance("abi_throwing", "a");
  std::string msg = error_of([&] { unknown->create(R"({"prot": 80})"); });
  EXPECT_NE(msg.find("prot: unknown key (expected one of: throw_in_create, throw_in_start, port) "
                     "[config error]"),
            std::string::npos)
      << msg;
  auto range = instance("abi_throwing", "b");
  msg = error_of([&] { range->create(R"({"port": 70000})"); });
  EXPECT_NE(msg.find("port: expected an integer from 1 to 65535, got 70000"), std::string::npos)
      << msg;
  auto type = instance("abi_throwing", "c");
  msg = error_of([&] { type->create(R"({"port": "http"})"); });
  EXPECT_NE(msg.find("port: expected an integer from 1 to 65535, got 'http'"), std::string::npos)
      << msg;
  auto json = instance("abi_throwing", "d");
  msg = error_of([&] { json->create("{not json"); });
  EXPECT_NE(msg.find("config is not valid JSON"), std::string::npos) << msg;
}

TEST_F(Lifecycle, PluginThrowingFromEveryCallbackNeverCrashesTheHost) {
  auto failing_start = instance("abi_throwing", "sink-start");
  failing_start->create(R"({"throw_in_start": true})");
  std::string msg = error_of([&] { failing_start->start(); });
  EXPECT_NE(msg.find("instance 'sink-start' (plugin throwing 6.6.6): start failed: unknown "
                     "exception"),
            std::string::npos)
      << msg;
  EXPECT_EQ(failing_start->state(), InstanceState::kFailed);

  auto inst = instance("abi_throwing", "sink-x");
  inst->create("{}");
  inst->start();
  std::string error;
  EXPECT_EQ(inst->deliver_snapshot(SnapshotView(two_server_snapshot()), error),
            FLOWLENS_ERR_FAILED);
  EXPECT_EQ(error, "snapshot exploded");
  Event event;
  event.message = "hello";
  EXPECT_EQ(inst->deliver_event(event, error), FLOWLENS_ERR_UNSUPPORTED);
  EXPECT_EQ(error, "event refused");
  inst->stop();  // throws inside: logged, not propagated
  EXPECT_TRUE(services_.logged("sink-x: stop failed: stop exploded on purpose"));
  inst->destroy();
  EXPECT_EQ(inst->state(), InstanceState::kDestroyed);
}

TEST_F(Lifecycle, DestructorStopsAndDestroysAStartedInstance) {
  {
    auto inst = instance("abi_frozen_v1", "scoped");
    inst->create("{}");
    inst->start();
  }
  EXPECT_TRUE(services_.logged("scoped: stopped"));
}

TEST_F(Lifecycle, ReopenRereadsTheFileAndKeepsWhatItHadWhenTheNewOneCannotBeRead) {
  const fs::path file = fs::path(dir_.path()) / "reopened.txt";
  const auto write = [&](const char* text) { std::ofstream(file) << text; };
  write("first");
  auto inst = instance("abi_reopen_sink", "files");
  inst->create(R"({"file": ")" + file.string() + R"("})");
  ASSERT_TRUE(inst->has_reopen());
  std::string error;
  EXPECT_EQ(inst->reopen(error), FLOWLENS_ERR_STATE) << "not started yet";
  inst->start();
  EXPECT_TRUE(services_.logged("files: holding 'first'"));

  write("second");
  EXPECT_EQ(inst->reopen(error), FLOWLENS_OK) << error;
  EXPECT_TRUE(services_.logged("files: holding 'second'"));

  fs::remove(file);
  EXPECT_EQ(inst->reopen(error), FLOWLENS_ERR_FAILED);
  EXPECT_EQ(error, "file: " + file.string() + ": cannot open");
  EXPECT_EQ(inst->state(), InstanceState::kStarted) << "a refused file stops nothing";

  write("third");
  error.clear();
  EXPECT_EQ(inst->reopen(error), FLOWLENS_OK) << error;
  EXPECT_TRUE(services_.logged("files: holding 'third'"));
}

TEST_F(Lifecycle, PluginsOlderThanReopenAreLeftAloneOnReopen) {
  for (const char* fixture : {"abi_frozen_v1", "abi_minor3_descriptor"}) {
    SCOPED_TRACE(fixture);
    auto inst = instance(fixture, "old");
    inst->create("{}");
    inst->start();
    EXPECT_FALSE(inst->has_reopen());
    std::string error;
    EXPECT_EQ(inst->reopen(error), FLOWLENS_OK);
    EXPECT_EQ(error, "");
    EXPECT_EQ(inst->state(), InstanceState::kStarted);
  }
}

TEST_F(Lifecycle, LifecycleCallsOutOfOrderAreErrorsNotCrashes) {
  auto inst = instance("abi_frozen_v1", "order");
  EXPECT_THROW(inst->start(), PluginError);
  inst->create("{}");
  EXPECT_THROW(inst->create("{}"), PluginError);
  std::string error;
  EXPECT_EQ(inst->deliver_snapshot(SnapshotView(two_server_snapshot()), error), FLOWLENS_ERR_STATE);
}

}  // namespace
}  // namespace flowlens::plugin_host
