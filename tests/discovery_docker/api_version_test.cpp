// SPDX-License-Identifier: BSD-2-Clause
// The plugin against an engine that speaks only API 1.52 (Docker 29's shapes: events without
// status/id/from, minimum API 1.44): it must negotiate /v1.52 and map that engine's answers.
#include <gtest/gtest.h>

#include <mutex>
#include <set>

#include "fake_engine.h"
#include "fixture.h"
#include "plugin_host/loader.h"
#include "plugin_host/plugin_instance.h"
#include "recording_services.h"

namespace flowlens::discovery_docker {
namespace {

using namespace std::chrono_literals;
using testing::FakeEngine;
using testing::FakeReply;

constexpr const char* kWingsId = "1f7c99212e577df8f67b0b819ab94271d2dc99f7ad60eaea5cbf510d31161c00";

TEST(DockerTwentyNine, NegotiatesOneFiftyTwoAndReadsItsShapes) {
  const std::string list = testing::fixture_text("containers_v1.52.json");
  std::string inspect = testing::fixture_text("inspect_wings_v1.41.json");
  std::mutex mu;
  std::set<std::string> other_versions;
  FakeEngine engine([&](const std::string& t) {
    if (t == "/_ping") return FakeEngine::json("OK", "Api-Version: 1.52\r\n");
    if (t == "/version")
      return FakeEngine::json(R"({"ApiVersion":"1.52","MinAPIVersion":"1.44","Version":"29.0.0"})");
    if (!t.starts_with("/v1.52/")) {
      std::lock_guard lock(mu);
      other_versions.insert(t);
      return FakeReply{"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"};
    }
    if (t.starts_with("/v1.52/events")) {
      // A start in Docker 29's shape: Type, Action, Actor only.
      return FakeEngine::event_stream({std::string(R"({"Type":"container","Action":"start",)") +
                                       R"("Actor":{"ID":")" + kWingsId +
                                       R"(","Attributes":{"name":"wings-uuid"}},)" +
                                       R"("scope":"local","time":1,"timeNano":1})" + "\n"});
    }
    if (t.starts_with("/v1.52/containers/json")) return FakeEngine::json(list);
    if (t.starts_with("/v1.52/containers/")) return FakeEngine::json(inspect);
    return FakeReply{"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"};
  });

  testing::RecordingServices services;
  plugin_host::PluginInstance inst(
      "docker",
      plugin_host::load_plugin(::flowlens::testing::binary_dir() + "/plugins", "discovery-docker"),
      services);
  inst.create(R"({"docker_host":")" + engine.uri() + R"(","server_id_source":"name"})");
  inst.start();
  EXPECT_TRUE(services.wait_for([](const auto& s) { return s.size() == 3; }, 5s))
      << services.all_logs();
  auto servers = services.servers();
  ASSERT_TRUE(servers.contains("rust-host")) << services.all_logs();
  EXPECT_EQ(servers.at("rust-host").endpoints,
            (std::vector<model::Endpoint>{{28015, 17}, {28016, 6}}))
      << "host network: the flowlens.ports label";
  EXPECT_TRUE(servers.contains("g1renamed"));
  EXPECT_TRUE(servers.contains("wings-uuid"));
  EXPECT_TRUE(services.wait_logs(plugin_host::LogLevel::kInfo, "API 1.52", 1, 2s))
      << services.all_logs();
  inst.stop();
  inst.destroy();
  std::lock_guard lock(mu);
  EXPECT_TRUE(other_versions.empty())
      << "asked with another API version: " << *other_versions.begin();
}

}  // namespace
}  // namespace flowlens::discovery_docker
