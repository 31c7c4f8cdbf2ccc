// SPDX-License-Identifier: BSD-2-Clause
// The original FlowLens config.yaml, accepted unchanged and mapped onto core, estimator and
// plugin instances.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "config/loaders.h"
#include "config/original_config.h"
#include "test_files.h"

namespace flowlens::config {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

const PluginInstanceConfig* instance(const Config& cfg, std::string_view name) {
  for (const auto& p : cfg.plugins)
    if (p.name == name) return &p;
  return nullptr;
}

std::string fixture() {
  return testing::source_dir() + "/tests/config/fixtures/original-config.yaml";
}

TEST(OriginalConfig, TheSampleFileIsAcceptedAndMapped) {
  Config cfg = load_original(fixture());
  EXPECT_EQ(cfg.core.interface, "enp5s0f0");
  EXPECT_EQ(cfg.core.ebpf_map_size, 100000u);
  EXPECT_EQ(cfg.core.metrics_interval, 30s);
  EXPECT_EQ(cfg.core.discovery_interval, 30s);
  EXPECT_EQ(cfg.core.log_level, "info");
  // The original's lifetime thresholds are read and kept, but the estimator keeps its defaults.
  EXPECT_TRUE(cfg.estimator.empty());
  EXPECT_EQ(boost::json::value(cfg.original_thresholds),
            boost::json::parse(R"({"player_activity_threshold":300.0,"min_packets_threshold":50,
                                   "min_bytes_threshold":1000})"));
  bool warned = false;
  for (const auto& w : cfg.warnings)
    warned |= w.find("accepted but not applied") != std::string::npos;
  EXPECT_TRUE(warned);

  const PluginInstanceConfig* api = instance(cfg, "api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->plugin, "sink-jsonapi");
  EXPECT_EQ(boost::json::parse(api->config_json), boost::json::parse(R"({"listen":[":8080"],
                                   "api_key":"7c1e0f6b9a2d4e58b3f1c0a9d8e7f6a5"})"));

  const PluginInstanceConfig* prom = instance(cfg, "prometheus");
  ASSERT_NE(prom, nullptr);
  EXPECT_EQ(prom->plugin, "sink-prometheus");
  EXPECT_EQ(boost::json::parse(prom->config_json), boost::json::parse(R"({"listen":[":9090"]})"));

  const PluginInstanceConfig* docker = instance(cfg, "docker");
  ASSERT_NE(docker, nullptr);
  EXPECT_EQ(docker->plugin, "discovery-docker");
  EXPECT_EQ(boost::json::parse(docker->config_json),
            boost::json::parse(R"({"labels":{"app":"gameserver","env":"prod"},
                                   "server_id_source":"label:pterodactyl.server.uuid",
                                   "port_env_var":"SERVER_PORT"})"));
  EXPECT_EQ(cfg.files, std::vector<std::string>{fixture()});
}

TEST(OriginalConfig, ConfigFlagDetectsEitherFormat) {
  EXPECT_TRUE(is_original_format(fixture()));
  EXPECT_EQ(load_config_file(fixture()).core.interface, "enp5s0f0");

  TempDir dir;
  std::string confd = dir.write("flowlens.yaml", "core: {interface: eth2}\n");
  EXPECT_FALSE(is_original_format(confd));
  EXPECT_EQ(load_config_file(confd).core.interface, "eth2");
}

TEST(OriginalConfig, AMinimalFileKeepsTheOriginalsAlwaysOnApiAndDockerDiscovery) {
  TempDir dir;
  std::string file = dir.write("config.yaml", "interface: eth0\n");
  Config cfg = load_original(file);
  const PluginInstanceConfig* api = instance(cfg, "api");
  ASSERT_NE(api, nullptr);
  // No api_key: the original served the API openly on :8080, so does the mapping, with a warning.
  EXPECT_EQ(boost::json::parse(api->config_json),
            boost::json::parse(R"({"listen":[":8080"],"auth":"none"})"));
  EXPECT_NE(instance(cfg, "docker"), nullptr);
  EXPECT_EQ(instance(cfg, "prometheus"), nullptr);
  EXPECT_TRUE(cfg.estimator.empty());
  bool warned = false;
  for (const auto& w : cfg.warnings) warned |= w.find("no api_key") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(OriginalConfig, ErrorsNameFileLineColumn) {
  struct Case {
    const char* yaml;
    const char* expected;
  };
  for (Case c :
       {Case{"metrics_interval: 30\n", "1:19: metrics_interval: expected a duration such as 30s"},
        Case{"interface: eth0\nebpf_map_sise: 10\n", "2:1: ebpf_map_sise: unknown key"},
        Case{"min_packets_threshold: -1\n",
             "1:24: min_packets_threshold: expected a non-negative integer"},
        Case{"docker_labels: [app]\n", "1:16: docker_labels: expected a map"},
        Case{"log_level: verbose\n", "1:12: log_level: expected one of"},
        Case{"metrics_interval: 1ns\n", "1:19: metrics_interval: expected a duration from 100ms"},
        Case{"metrics_interval: 99ms\n", "1:19: metrics_interval: expected a duration from 100ms"},
        Case{"discovery_interval: 48h\n",
             "1:21: discovery_interval: expected a duration from 100ms to 24h"},
        // Checked as conf.d's core.interface is: the daemon would fail at attach instead.
        Case{"interface: eth\"127.0.0.1:8080\"\n",
             "1:12: interface: expected a network interface name"},
        Case{"interface: a-name-longer-than-15\n",
             "1:12: interface: expected a network interface name"}}) {
    TempDir dir;
    std::string file = dir.write("config.yaml", c.yaml);
    try {
      load_original(file);
      ADD_FAILURE() << "accepted: " << c.yaml;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(file + ":" + c.expected), std::string::npos)
          << "expected: " << c.expected << "\nactual:   " << e.what();
    }
  }
}

TEST(OriginalConfig, ADirectoryGivenAsConfigIsAnErrorNotAnEmptyConfig) {
  TempDir dir;
  try {
    load_config_file(dir.path());
    ADD_FAILURE() << "a directory was read as an empty config";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory; --config takes one file"),
              std::string::npos)
        << e.what();
  }
}

TEST(OriginalConfig, MixingBothFormatsInOneFileIsAnError) {
  TempDir dir;
  std::string file = dir.write("config.yaml", "interface: eth0\ncore: {log_level: info}\n");
  EXPECT_THROW(load_config_file(file), ConfigError);
}

}  // namespace
}  // namespace flowlens::config
