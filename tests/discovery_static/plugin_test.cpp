// SPDX-License-Identifier: BSD-2-Clause
// discovery-static.so loaded the way the daemon loads it (plugin host: RTLD_NOW, ABI checks),
// created from the shipped conf.d/ section, started and stopped: what it publishes is what the
// config says.
#include <gtest/gtest.h>

#include <mutex>

#include "config/loaders.h"
#include "plugin_host/host_services.h"
#include "plugin_host/loader.h"
#include "plugin_host/plugin_error.h"
#include "plugin_host/plugin_instance.h"

namespace flowlens {
namespace {

// Records every replace-all a plugin instance makes.
class RecordingServices : public plugin_host::HostServices {
 public:
  void log(const std::string&, plugin_host::LogLevel, std::string_view) override {}
  void add_servers(const std::string&, std::vector<model::Server>) override { ++other_calls; }
  void remove_servers(const std::string&, std::vector<std::string>) override { ++other_calls; }
  void replace_servers(const std::string& instance, std::vector<model::Server> servers) override {
    std::lock_guard lock(mu);
    replaced.emplace_back(instance, std::move(servers));
  }
  void emit_event(const std::string&, plugin_host::Event) override {}
  model::SnapshotPtr latest_snapshot() override { return nullptr; }

  std::mutex mu;
  std::vector<std::pair<std::string, std::vector<model::Server>>> replaced;
  int other_calls = 0;
};

std::shared_ptr<const plugin_host::LoadedPlugin> load() {
  return plugin_host::load_plugin(std::string(FLOWLENS_TEST_BINARY_DIR) + "/plugins",
                                  "discovery-static");
}

std::string shipped_static_section() {
  config::Config cfg = config::load_conf_dir(std::string(FLOWLENS_TEST_SOURCE_DIR) + "/conf.d");
  for (const auto& p : cfg.plugins)
    if (p.plugin == "discovery-static") return p.config_json;
  ADD_FAILURE() << "shipped conf.d has no discovery-static instance";
  return "{}";
}

TEST(DiscoveryStaticPlugin, LoadsAsADiscoveryPlugin) {
  auto plugin = load();
  EXPECT_EQ(plugin->name, "discovery-static");
  EXPECT_TRUE(plugin->is_discovery());
  EXPECT_FALSE(plugin->is_sink());
}

TEST(DiscoveryStaticPlugin, PublishesTheConfiguredServersOnStartAndWithdrawsOnStop) {
  RecordingServices services;
  plugin_host::PluginInstance inst("static", load(), services);
  inst.create(R"({"servers":[
      {"id":"minecraft","name":"Minecraft","endpoints":["25565/tcp"],"labels":{"game":"minecraft"}},
      {"id":"valheim","endpoints":["2456-2457/udp"]}]})");
  EXPECT_TRUE(services.replaced.empty()) << "create must only validate";

  inst.start();
  ASSERT_EQ(services.replaced.size(), 1u);
  EXPECT_EQ(services.replaced[0].first, "static");
  const auto& servers = services.replaced[0].second;
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[0].id, "minecraft");
  EXPECT_EQ(servers[0].name, "Minecraft");
  EXPECT_EQ(servers[0].endpoints, (std::vector<model::Endpoint>{{25565, 6}}));
  EXPECT_EQ(servers[0].labels, (std::map<std::string, std::string>{{"game", "minecraft"}}));
  EXPECT_EQ(servers[1].id, "valheim");
  EXPECT_EQ(servers[1].endpoints, (std::vector<model::Endpoint>{{2456, 17}, {2457, 17}}));
  EXPECT_EQ(services.other_calls, 0) << "static discovery publishes with replace-all only";

  inst.stop();
  ASSERT_EQ(services.replaced.size(), 2u);
  EXPECT_TRUE(services.replaced[1].second.empty());
  inst.destroy();
}

TEST(DiscoveryStaticPlugin, ShippedSectionPublishesEveryWellKnownGame) {
  RecordingServices services;
  plugin_host::PluginInstance inst("static", load(), services);
  inst.create(shipped_static_section());
  inst.start();
  ASSERT_EQ(services.replaced.size(), 1u);
  const auto& servers = services.replaced[0].second;
  std::map<std::string, const model::Server*> by_id;
  for (const auto& s : servers) by_id[s.id] = &s;
  for (const char* id : {"minecraft", "cs2", "rust", "valheim", "factorio", "ark", "terraria"})
    EXPECT_TRUE(by_id.count(id)) << id;
  EXPECT_EQ(by_id.at("cs2")->endpoints, (std::vector<model::Endpoint>{{27015, 17}}));
  EXPECT_EQ(by_id.at("factorio")->endpoints, (std::vector<model::Endpoint>{{34197, 17}}));
  inst.stop();
  inst.destroy();
}

TEST(DiscoveryStaticPlugin, ABadSectionFailsCreateNamingTheField) {
  RecordingServices services;
  plugin_host::PluginInstance inst("static", load(), services);
  try {
    inst.create(R"({"servers":[{"id":"a","endpoints":["1/tcp"]},{"id":"b","endpoints":["x"]}]})");
    FAIL() << "create accepted a bad endpoint";
  } catch (const plugin_host::PluginError& e) {
    EXPECT_NE(std::string(e.what()).find("servers[1].endpoints[0]: expected PORT/PROTO"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(services.replaced.empty());
}

}  // namespace
}  // namespace flowlens
