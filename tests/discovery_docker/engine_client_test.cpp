// SPDX-License-Identifier: BSD-2-Clause
// The Engine client and the plugin against a misbehaving engine: malformed, truncated, huge and
// slow answers are errors naming the request, never a crash or a hang; stop returns promptly
// whatever the engine does.
#include <gtest/gtest.h>

#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "engine_client.h"
#include "fake_engine.h"
#include "plugin_host/loader.h"
#include "plugin_host/plugin_instance.h"
#include "privileged.h"
#include "recording_services.h"

namespace flowlens::discovery_docker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using testing::FakeEngine;
using testing::FakeReply;

EngineLimits small_limits() {
  EngineLimits l;
  l.request_timeout = 300ms;
  l.stream_open_timeout = 300ms;
  l.max_answer_bytes = 64 << 10;
  l.max_event_line_bytes = 16 << 10;
  return l;
}

// Runs `fn(client)` to completion; returns its error message, or "" when it succeeded.
template <class Fn>
std::string run_client(const std::string& uri, Fn fn, EngineLimits limits = small_limits()) {
  asio::io_context io;
  EngineClient client(io.get_executor(), parse_docker_host(uri), limits);
  auto done = asio::co_spawn(io, fn(client), asio::use_future);
  io.run_for(10s);
  if (done.wait_for(0s) != std::future_status::ready) return "did not finish";
  try {
    done.get();
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

std::string get_json_error(const FakeReply& reply) {
  FakeEngine engine([&](const std::string&) { return reply; });
  return run_client(engine.uri(), [](EngineClient& c) -> asio::awaitable<void> {
    co_await c.get_json("/v1.41/containers/json");
  });
}

TEST(EngineClient, MalformedJsonNamesTheRequest) {
  auto e = get_json_error(FakeEngine::json("[{\"Id\": \"abc\", "));
  EXPECT_NE(e.find("/v1.41/containers/json: answer is not JSON"), std::string::npos) << e;
}

TEST(EngineClient, TruncatedAnswerIsAReadError) {
  auto e = get_json_error({"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n[{\"Id\":\"abc\"}"});
  EXPECT_NE(e.find("read"), std::string::npos) << e;
}

TEST(EngineClient, HugeAnswerIsRefusedNotBuffered) {
  auto declared = get_json_error({"HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n[", true});
  EXPECT_NE(declared.find("answer larger than"), std::string::npos) << declared;
  std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 40; ++i) chunked += "1000\r\n" + std::string(4096, ' ') + "\r\n";
  auto streamed = get_json_error({chunked, true});
  EXPECT_NE(streamed.find("answer larger than"), std::string::npos) << streamed;
}

TEST(EngineClient, SilentEngineTimesOut) {
  const auto t0 = std::chrono::steady_clock::now();
  auto e = get_json_error({"", true});
  EXPECT_NE(e.find("timed out"), std::string::npos) << e;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
}

TEST(EngineClient, ErrorStatusCarriesTheEnginesMessage) {
  auto e =
      get_json_error({"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 28\r\n\r\n"
                      "{\"message\":\"daemon is sad\"}\n"});
  EXPECT_NE(e.find("HTTP 500"), std::string::npos) << e;
  EXPECT_NE(e.find("daemon is sad"), std::string::npos) << e;
}

TEST(EngineClient, EventLinesAreReassembledAcrossChunks) {
  FakeEngine engine([](const std::string&) {
    return FakeEngine::event_stream({"{\"Type\":\"container\",", "\"Action\":\"start\"}\n{\"a\":",
                                     "1}\r\n\n", "{\"last\":true}\n"});
  });
  std::vector<std::string> lines;
  bool opened = false;
  auto e = run_client(engine.uri(), [&](EngineClient& c) -> asio::awaitable<void> {
    co_await c.stream_lines(
        "/v1.41/events", [&] { opened = true; },
        [&](std::string_view line) {
          lines.emplace_back(line);
          if (lines.size() == 3) throw std::runtime_error("enough");
        });
  });
  EXPECT_EQ(e, "enough");
  EXPECT_TRUE(opened);
  EXPECT_EQ(lines, (std::vector<std::string>{"{\"Type\":\"container\",\"Action\":\"start\"}",
                                             "{\"a\":1}", "{\"last\":true}"}));
}

TEST(EngineClient, AnEndlessEventLineIsAnError) {
  FakeEngine engine([](const std::string&) {
    return FakeEngine::event_stream(std::vector<std::string>(8, std::string(4096, 'x')));
  });
  auto e = run_client(engine.uri(), [](EngineClient& c) -> asio::awaitable<void> {
    co_await c.stream_lines(
        "/v1.41/events", [] {}, [](std::string_view) {});
  });
  EXPECT_NE(e.find("event line exceeds"), std::string::npos) << e;
}

// --- the plugin itself ---

class PluginAgainstFakeEngine : public ::testing::Test {
 protected:
  void start(const std::string& uri) {
    instance_ = std::make_unique<plugin_host::PluginInstance>(
        "docker",
        plugin_host::load_plugin(::flowlens::testing::binary_dir() + "/plugins",
                                 "discovery-docker"),
        services_);
    instance_->create(R"({"docker_host":")" + uri + R"(","server_id_source":"name"})");
    instance_->start();
  }
  // stop must return promptly: the daemon's shutdown waits for it.
  void expect_prompt_stop() {
    const auto t0 = std::chrono::steady_clock::now();
    instance_->stop();
    instance_->destroy();
    instance_.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  }
  void TearDown() override {
    if (instance_) expect_prompt_stop();
  }
  testing::RecordingServices services_;
  std::unique_ptr<plugin_host::PluginInstance> instance_;
};

FakeReply engine_answer(const std::string& target, const std::string& list) {
  if (target == "/_ping") return FakeEngine::ping();
  if (target == "/version") return FakeEngine::version();
  if (target.starts_with("/v1.41/events")) return FakeEngine::event_stream({});
  if (target.starts_with("/v1.41/containers/json")) return FakeEngine::json(list);
  return {"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"};
}

TEST_F(PluginAgainstFakeEngine, StopsPromptlyWhileTheEventStreamIsSilent) {
  FakeEngine engine([](const std::string& t) {
    return engine_answer(t, R"([{"Id":"abc","Names":["/cs"],"State":"running",
                                "Ports":[{"PublicPort":27015,"Type":"udp"}]}])");
  });
  start(engine.uri());
  ASSERT_TRUE(services_.wait_present("cs", 5s)) << services_.all_logs();
  expect_prompt_stop();
  EXPECT_TRUE(services_.servers().empty()) << "stop withdraws the servers";
}

TEST_F(PluginAgainstFakeEngine, StopsPromptlyWhileTheEngineIsUnreachable) {
  std::string uri;
  {
    FakeEngine gone([](const std::string&) { return FakeReply{}; });
    uri = gone.uri();
  }
  start(uri);
  ASSERT_TRUE(services_.wait_logs(plugin_host::LogLevel::kWarn, "lost docker", 1, 5s));
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(services_.count_logs(plugin_host::LogLevel::kWarn, "lost docker"), 1)
      << "logged once, not per retry";
}

TEST_F(PluginAgainstFakeEngine, StopsPromptlyWhileAnAnswerHangs) {
  FakeEngine engine([](const std::string& t) {
    if (t == "/_ping") return FakeReply{"", true};
    return engine_answer(t, "[]");
  });
  start(engine.uri());
  std::this_thread::sleep_for(300ms);
}

TEST_F(PluginAgainstFakeEngine, MalformedListIsLoggedAndPublishesNothing) {
  const std::vector<std::string> lists = {R"({"not":"a list"})", R"([{"Id":"abc","Ports":"x"}])",
                                          "[{\"Id\":", std::string(70000, '[')};
  for (const std::string& list : lists) {
    testing::RecordingServices services;
    FakeEngine engine([&](const std::string& t) { return engine_answer(t, list); });
    auto inst = std::make_unique<plugin_host::PluginInstance>(
        "docker",
        plugin_host::load_plugin(::flowlens::testing::binary_dir() + "/plugins",
                                 "discovery-docker"),
        services);
    inst->create(R"({"docker_host":")" + engine.uri() + R"(","server_id_source":"name"})");
    inst->start();
    EXPECT_TRUE(services.wait_logs(plugin_host::LogLevel::kWarn, "containers/json", 1, 5s))
        << list.substr(0, 40) << "\n"
        << services.all_logs();
    EXPECT_TRUE(services.servers().empty());
    inst->stop();
    inst->destroy();
  }
}

TEST(DiscoveryDockerConfig, ABadSectionFailsCreateNamingTheKey) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"docker_host":"ssh://user@host"})", "docker_host: 'ssh://user@host': scheme 'ssh'"},
      {R"({"docker_host":"tcp://h:99999"})", "docker_host: 'tcp://h:99999': port"},
      {R"({"server_id_source":"uuid"})", "server_id_source: 'uuid' is not one of"},
      {R"({"labels":["a=b"]})", "labels"},
      {R"({"labels":{"a":["b"]}})", "labels.a"},
      {R"({"grace_period":-1})", "grace_period"},
      {R"({"interval":0.1})", "interval"},
      {R"({"labelz":{}})", "labelz"},
  };
  for (const auto& [config, expected] : cases) {
    testing::RecordingServices services;
    plugin_host::PluginInstance inst(
        "docker",
        plugin_host::load_plugin(::flowlens::testing::binary_dir() + "/plugins",
                                 "discovery-docker"),
        services);
    try {
      inst.create(config);
      ADD_FAILURE() << config << " accepted";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos)
          << config << " -> " << e.what();
    }
    EXPECT_TRUE(services.servers().empty()) << "create only validates";
  }
}

}  // namespace
}  // namespace flowlens::discovery_docker
