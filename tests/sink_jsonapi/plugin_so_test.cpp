// SPDX-License-Identifier: BSD-2-Clause
// The built sink-jsonapi.so through its one C entry point, with a minimal host written here:
// what the daemon does, minus the daemon.
#include "test_client.h"

#include <flowlens/plugin.h>

#include <dlfcn.h>
#include "free_port.h"
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

namespace flowlens::jsonapi {
namespace {

struct FakeHost {
  std::mutex mutex;
  std::vector<std::string> logs;
  const flowlens_snapshot* latest = nullptr;
  std::string health;  // what health_json answers (ABI 1.1)
  int health_calls = 0;
  int acquired = 0;
  int released = 0;
};

FakeHost& host_of(flowlens_host_context* c) {
  return *reinterpret_cast<FakeHost*>(c);
}

flowlens_host_api make_api(FakeHost& host) {
  flowlens_host_api api{};
  api.struct_size = sizeof api;
  api.abi_major = FLOWLENS_PLUGIN_ABI_MAJOR;
  api.abi_minor = FLOWLENS_PLUGIN_ABI_MINOR;
  api.context = reinterpret_cast<flowlens_host_context*>(&host);
  api.instance_name = "jsonapi";
  api.log = [](flowlens_host_context* c, int32_t, const char* message) {
    std::lock_guard lock(host_of(c).mutex);
    host_of(c).logs.emplace_back(message);
  };
  api.snapshot_acquire = [](flowlens_host_context* c) {
    std::lock_guard lock(host_of(c).mutex);
    if (host_of(c).latest) ++host_of(c).acquired;
    return host_of(c).latest;
  };
  api.snapshot_release = [](flowlens_host_context* c, const flowlens_snapshot* s) {
    std::lock_guard lock(host_of(c).mutex);
    if (s) ++host_of(c).released;
  };
  api.health_json = [](flowlens_host_context* c, char* buf, size_t size) -> size_t {
    std::lock_guard lock(host_of(c).mutex);
    ++host_of(c).health_calls;
    const std::string& text = host_of(c).health;
    if (size > 0) buf[text.copy(buf, size - 1)] = '\0';
    return text.size();
  };
  return api;
}

// The host as flowlensd before ABI 1.1 compiled it: the struct ends before health_json.
flowlens_host_api make_v1_0_api(FakeHost& host) {
  flowlens_host_api api = make_api(host);
  api.struct_size = offsetof(flowlens_host_api, health_json);
  api.abi_minor = 0;
  return api;
}

// Port 0 in the config: the plugin logs the port the kernel chose.
unsigned short logged_port(FakeHost& host) {
  std::lock_guard lock(host.mutex);
  const std::regex listening("listening on 127\\.0\\.0\\.1 port ([0-9]+)");
  unsigned short port = 0;
  for (const auto& line : host.logs) {
    std::smatch m;
    if (std::regex_search(line, m, listening)) port = static_cast<unsigned short>(std::stoi(m[1]));
  }
  return port;
}

class PluginSo : public ::testing::Test {
 protected:
  void SetUp() override {
    // RTLD_NOW, as the daemon loads it: an unresolved symbol fails here, not later.
    handle_ = dlopen(FLOWLENS_JSONAPI_SO, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    auto entry =
        reinterpret_cast<flowlens_plugin_entry_fn>(dlsym(handle_, FLOWLENS_PLUGIN_ENTRY_NAME));
    ASSERT_NE(entry, nullptr);
    d_ = entry();
  }
  // The library stays loaded, as the daemon never unloads plugins either.

 public:
  const flowlens_plugin_descriptor* d() const { return d_; }

 protected:
  void* handle_ = nullptr;
  const flowlens_plugin_descriptor* d_ = nullptr;
};

TEST_F(PluginSo, DescriptorIsASink) {
  EXPECT_EQ(d_->abi_major, static_cast<uint32_t>(FLOWLENS_PLUGIN_ABI_MAJOR));
  EXPECT_STREQ(d_->name, "sink-jsonapi");
  EXPECT_EQ(d_->capabilities, static_cast<uint32_t>(FLOWLENS_CAP_SINK));
  EXPECT_NE(d_->on_snapshot, nullptr);
  EXPECT_NE(d_->start, nullptr);
  EXPECT_NE(d_->stop, nullptr);
}

TEST_F(PluginSo, CreateWithoutKeyOrAuthNoneFailsClearly) {
  FakeHost host;
  const flowlens_host_api api = make_api(host);
  flowlens_plugin_instance* instance = nullptr;
  char error[FLOWLENS_ERROR_BUFFER_MIN] = {};
  EXPECT_EQ(d_->create(&api, "{}", &instance, error, sizeof error), FLOWLENS_ERR_CONFIG);
  EXPECT_EQ(instance, nullptr);
  EXPECT_NE(std::string(error).find("api_key"), std::string::npos) << error;
  EXPECT_NE(std::string(error).find("auth: none"), std::string::npos) << error;
}

TEST_F(PluginSo, ServesWhatTheHostDelivers) {
  FakeHost host;
  // A snapshot already published before start: served without waiting for the next tick.
  const char* ips[] = {"192.0.2.10", "192.0.2.11"};
  flowlens_server_estimate servers[2] = {};
  servers[0].struct_size = sizeof servers[0];
  servers[0].server_id = "mc";
  servers[0].known = 1;
  servers[0].unknown_reason = "";
  servers[0].active_players = 2;
  servers[0].unique_ips = ips;
  servers[0].unique_ip_count = 2;
  servers[0].sample_window_seconds = 60;
  servers[1] = servers[0];
  servers[1].server_id = "cs";
  servers[1].known = 0;
  servers[1].unknown_reason = "bpf not attached";
  servers[1].active_players = 0;
  servers[1].unique_ips = nullptr;
  servers[1].unique_ip_count = 0;
  flowlens_snapshot snapshot{};
  snapshot.struct_size = sizeof snapshot;
  snapshot.timestamp_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  snapshot.servers = servers;
  snapshot.server_count = 1;
  host.latest = &snapshot;

  const flowlens_host_api api = make_api(host);
  flowlens_plugin_instance* instance = nullptr;
  char error[FLOWLENS_ERROR_BUFFER_MIN] = {};
  const std::string config =
      R"({"listen":["127.0.0.1:)" + flowlens::testing::free_port_text() + R"("],"api_key":"k"})";
  ASSERT_EQ(d_->create(&api, config.c_str(), &instance, error, sizeof error), FLOWLENS_OK) << error;
  ASSERT_EQ(d_->start(instance, error, sizeof error), FLOWLENS_OK) << error;

  const unsigned short port = logged_port(host);
  ASSERT_NE(port, 0) << "no 'listening on' log line";

  auto reply = http::testing::get("127.0.0.1", port, "/metrics/servers", "k");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->body.find("\"server_id\":\"mc\""), std::string::npos) << reply->body;
  EXPECT_NE(reply->body.find("\"192.0.2.11\""), std::string::npos) << reply->body;

  snapshot.server_count = 2;  // the next tick, delivered as the host's thread would
  ASSERT_EQ(d_->on_snapshot(instance, &snapshot, error, sizeof error), FLOWLENS_OK) << error;
  reply = http::testing::get("127.0.0.1", port, "/metrics/servers/cs", "k");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->body.find("\"active_players\":null"), std::string::npos) << reply->body;
  EXPECT_NE(reply->body.find("\"unknown_reason\":\"bpf not attached\""), std::string::npos);

  d_->stop(instance);
  EXPECT_FALSE(http::testing::get("127.0.0.1", port, "/"));
  d_->destroy(instance);
  EXPECT_EQ(host.acquired, host.released);
  EXPECT_EQ(host.acquired, 1);
}

// /health of the plugin started by `api`, then stopped and destroyed.
std::string health_from(const PluginSo& so, const flowlens_host_api& api, FakeHost& host) {
  flowlens_plugin_instance* instance = nullptr;
  char error[FLOWLENS_ERROR_BUFFER_MIN] = {};
  const std::string config =
      R"({"listen":["127.0.0.1:)" + flowlens::testing::free_port_text() + R"("],"auth":"none"})";
  if (so.d()->create(&api, config.c_str(), &instance, error, sizeof error) != FLOWLENS_OK)
    return error;
  std::string body;
  if (so.d()->start(instance, error, sizeof error) == FLOWLENS_OK) {
    if (auto reply = http::testing::get("127.0.0.1", logged_port(host), "/health"))
      body = reply->body;
    so.d()->stop(instance);
  }
  so.d()->destroy(instance);
  return body;
}

TEST_F(PluginSo, HealthShowsWhatAnAbi11HostReports) {
  FakeHost host;
  host.health = R"({"version":"0.4.2","uptime_seconds":61,"bpf_attached":true,"interface":"eth0",)"
                R"("last_tick_age_seconds":0.5,"flows":9,"map_capacity":65536,"plugins":[)"
                R"({"instance":"stuck","plugin":"sink-blocking","version":"1.0.0","kind":"sink",)"
                R"("state":"started","snapshots_skipped":7}]})";
  const flowlens_host_api api = make_api(host);
  const std::string body = health_from(*this, api, host);
  for (const char* field :
       {R"("version":"0.4.2")", R"("uptime_seconds":61)", R"("bpf_attached":true)",
        R"("interface":"eth0")", R"("flows":9)", R"("map_capacity":65536)", R"("instance":"stuck")",
        R"("snapshots_skipped":7)"}) {
    EXPECT_NE(body.find(field), std::string::npos) << field << " in " << body;
  }
  EXPECT_EQ(host.health_calls, 1);
}

TEST_F(PluginSo, HealthSaysNullWithAnAbi10Host) {
  FakeHost host;
  host.health = R"({"version":"must not be read"})";
  const flowlens_host_api api = make_v1_0_api(host);
  const std::string body = health_from(*this, api, host);
  for (const char* field : {R"("version":null)", R"("uptime_seconds":null)",
                            R"("bpf_attached":null)", R"("plugins":null)"}) {
    EXPECT_NE(body.find(field), std::string::npos) << field << " in " << body;
  }
  EXPECT_EQ(host.health_calls, 0) << "a v1.0 host has no health_json to call";
}

}  // namespace
}  // namespace flowlens::jsonapi
