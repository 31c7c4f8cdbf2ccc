// SPDX-License-Identifier: BSD-2-Clause
// plan_reload: which plugin instances a reload stops, restarts and starts, what it applies live,
// what needs a restart, and what it refuses.
#include "daemon/reload_plan.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/loaders.h"

namespace flowlens::daemon {
namespace {

// A file as the operator writes it (conf.d/ or the original config.yaml), through the loader
// `run --config` uses.
config::Config load(const std::string& yaml, const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("flowlens-reload-plan-" + std::to_string(::getpid()) + "-" + name + ".yaml");
  std::ofstream(path) << yaml;
  config::Config cfg = config::load_config_file(path);
  std::filesystem::remove(path);
  return cfg;
}

const std::set<std::string> kInstalled = {"discovery-static", "sink-jsonapi", "sink-prometheus"};

const char* kBase = R"(
core: {metrics_interval: 1s}
estimator: {warmup_seconds: 5}
plugins:
  static:
    plugin: discovery-static
    config:
      servers: [{id: cs, endpoints: ["27015/udp"]}]
  api:
    plugin: sink-jsonapi
    config: {listen: ["127.0.0.1:8080"]}
)";

std::string names(const std::vector<config::PluginInstanceConfig>& v) {
  std::string out;
  for (const auto& i : v) out += (out.empty() ? "" : ",") + i.name;
  return out;
}
std::string names(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& n : v) out += (out.empty() ? "" : ",") + n;
  return out;
}

struct Case {
  const char* what;
  const char* next;  // the configuration after the edit; kBase before it
  const char* stop;
  const char* restart;
  const char* start;
  bool estimator_changed;
  size_t needs_restart;
  const char* error;  // a fragment of the only error, "" for none
};

const Case kCases[] = {
    {"the same file again changes nothing", kBase, "", "", "", false, 0, ""},
    {"reordered keys, comments and moved lines restart nothing", R"(
# a comment, and everything one line lower
estimator: {warmup_seconds: 5}
core: {metrics_interval: 1s}
plugins:
  api:
    config: {listen: ["127.0.0.1:8080"]}
    plugin: sink-jsonapi
  static:
    plugin: discovery-static
    config:
      servers: [{endpoints: ["27015/udp"], id: cs}]
)",
     "", "", "", false, 0, ""},
    {"an estimator key changes the estimator only", R"(
core: {metrics_interval: 1s}
estimator: {warmup_seconds: 3}
plugins:
  static: {plugin: discovery-static, config: {servers: [{id: cs, endpoints: ["27015/udp"]}]}}
  api: {plugin: sink-jsonapi, config: {listen: ["127.0.0.1:8080"]}}
)",
     "", "", "", true, 0, ""},
    {"a changed section restarts that instance only", R"(
core: {metrics_interval: 1s}
estimator: {warmup_seconds: 5}
plugins:
  static: {plugin: discovery-static, config: {servers: [{id: cs, endpoints: ["27015/udp"]}, {id: mc, endpoints: ["25565/tcp"]}]}}
  api: {plugin: sink-jsonapi, config: {listen: ["127.0.0.1:8080"]}}
)",
     "", "static", "", false, 0, ""},
    {"an instance given another plugin restarts", R"(
core: {metrics_interval: 1s}
estimator: {warmup_seconds: 5}
plugins:
  static: {plugin: discovery-static, config: {servers: [{id: cs, endpoints: ["27015/udp"]}]}}
  api: {plugin: sink-prometheus, config: {listen: "127.0.0.1:8080"}}
)",
     "", "api", "", false, 0, ""},
    {"an added instance starts, a removed one stops", R"(
core: {metrics_interval: 1s}
estimator: {warmup_seconds: 5}
plugins:
  api: {plugin: sink-jsonapi, config: {listen: ["127.0.0.1:8080"]}}
  prom: {plugin: sink-prometheus}
)",
     "static", "", "prom", false, 0, ""},
    {"enabled: false stops an instance", R"(
core: {metrics_interval: 1s}
estimator: {warmup_seconds: 5}
plugins:
  static: {plugin: discovery-static, enabled: false, config: {servers: [{id: cs, endpoints: ["27015/udp"]}]}}
  api: {plugin: sink-jsonapi, config: {listen: ["127.0.0.1:8080"]}}
)",
     "static", "", "", false, 0, ""},
    {"settings of the kernel side, the plugin directory and the user need a restart", R"(
core: {metrics_interval: 1s, interface: eth7, ebpf_map_size: 1000, tc_priority: 9, pin_dir: /sys/fs/bpf/x, plugin_dir: /opt/p, user: root}
estimator: {warmup_seconds: 5}
plugins:
  static: {plugin: discovery-static, config: {servers: [{id: cs, endpoints: ["27015/udp"]}]}}
  api: {plugin: sink-jsonapi, config: {listen: ["127.0.0.1:8080"]}}
)",
     "", "", "", false, 6, ""},
    {"a new instance of a plugin that is not installed is refused at its line", R"(
core: {metrics_interval: 1s}
estimator: {warmup_seconds: 5}
plugins:
  static: {plugin: discovery-static, config: {servers: [{id: cs, endpoints: ["27015/udp"]}]}}
  api: {plugin: sink-jsonapi, config: {listen: ["127.0.0.1:8080"]}}
  extra: {plugin: sink-nonexistent}
)",
     "", "", "", false, 0, ".yaml:7:3: plugins.extra: plugin 'sink-nonexistent' is not installed"},
};

class ReloadPlanTable : public ::testing::TestWithParam<Case> {};

TEST_P(ReloadPlanTable, DecidesWhatChanges) {
  const Case& c = GetParam();
  SCOPED_TRACE(c.what);
  ReloadPlan plan = plan_reload(load(kBase, "before"), load(c.next, "after"), kInstalled);
  EXPECT_EQ(names(plan.stop), c.stop);
  EXPECT_EQ(names(plan.restart), c.restart);
  EXPECT_EQ(names(plan.start), c.start);
  EXPECT_EQ(plan.estimator_changed, c.estimator_changed);
  EXPECT_EQ(plan.needs_restart.size(), c.needs_restart);
  if (*c.error == '\0') {
    EXPECT_TRUE(plan.errors.empty()) << plan.errors.front();
  } else {
    ASSERT_EQ(plan.errors.size(), 1u);
    EXPECT_NE(plan.errors.front().find(c.error), std::string::npos) << plan.errors.front();
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ReloadPlanTable, ::testing::ValuesIn(kCases));

TEST(ReloadPlan, SettingsThatNeedARestartKeepTheirRunningValues) {
  config::Config running = load(kBase, "before");
  running.core.interface = "eth0";
  config::Config next = running;
  next.core.interface = "eth1";
  next.core.ebpf_map_size = 1234;
  next.core.metrics_interval = std::chrono::milliseconds(500);
  next.core.log_level = "debug";
  ReloadPlan plan = plan_reload(running, next, kInstalled);
  EXPECT_EQ(plan.applied.core.interface, "eth0");
  EXPECT_EQ(plan.applied.core.ebpf_map_size, running.core.ebpf_map_size);
  ASSERT_EQ(plan.needs_restart.size(), 2u);
  EXPECT_EQ(plan.needs_restart[0],
            "core.interface changed from 'eth0' to 'eth1': needs a restart; still running with "
            "'eth0'");
  // These apply live.
  EXPECT_TRUE(plan.metrics_interval_changed);
  EXPECT_TRUE(plan.log_level_changed);
  EXPECT_EQ(plan.applied.core.metrics_interval, std::chrono::milliseconds(500));
  EXPECT_EQ(plan.applied.core.log_level, "debug");
}

TEST(ReloadPlan, AnUnchangedInstanceWhosePluginIsMissingIsNoError) {
  // Left out at start with a warning (an original config.yaml always names discovery-docker);
  // a reload that does not touch it must not be refused for it.
  const char* yaml = "plugins:\n  docker: {plugin: discovery-docker}\n";
  ReloadPlan plan = plan_reload(load(yaml, "before"), load(yaml, "after"), kInstalled);
  EXPECT_TRUE(plan.errors.empty());
  EXPECT_FALSE(plan.changes_plugins());
}

TEST(ReloadPlan, ADiscoveryIntervalChangeIsFlaggedForTheDiscoveryInstances) {
  config::Config running = load(kBase, "before");
  config::Config next = running;
  next.core.discovery_interval = std::chrono::seconds(5);
  ReloadPlan plan = plan_reload(running, next, kInstalled);
  EXPECT_TRUE(plan.discovery_interval_changed);
  EXPECT_TRUE(plan.needs_restart.empty());
}

TEST(ReloadPlan, AnOriginalConfigYamlReloadsThroughItsMapping) {
  // `run --config config.yaml` reloads the same file: a new server_addr restarts the JSON API
  // instance it maps onto, a new interface needs a restart, a docker label the docker instance.
  const std::string base =
      "interface: eth0\nserver_addr: 127.0.0.1:8080\napi_key: k\nprometheus_addr: "
      "127.0.0.1:9110\ndocker_labels: {app: game}\n";
  std::string next = base;
  next.replace(next.find("eth0"), 4, "eth1");
  next.replace(next.find("8080"), 4, "8081");
  next.replace(next.find("game"), 4, "mc");
  const std::set<std::string> installed = {"sink-jsonapi", "sink-prometheus", "discovery-docker"};
  ReloadPlan plan = plan_reload(load(base, "o1"), load(next, "o2"), installed);
  EXPECT_TRUE(plan.errors.empty());
  EXPECT_EQ(names(plan.restart), "api,docker");
  EXPECT_EQ(names(plan.stop), "");
  EXPECT_EQ(names(plan.start), "");
  ASSERT_EQ(plan.needs_restart.size(), 1u);
  EXPECT_NE(plan.needs_restart[0].find("core.interface"), std::string::npos);
}

}  // namespace
}  // namespace flowlens::daemon
