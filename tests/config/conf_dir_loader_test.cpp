// SPDX-License-Identifier: BSD-2-Clause
// load_conf_dir: merge order and rules, strictness, and file:line:column in every error.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "config/loaders.h"
#include "test_files.h"

namespace flowlens::config {
namespace {

using testing::TempDir;

// Runs load_conf_dir expecting failure; returns all messages joined by newlines.
std::string load_error(const std::filesystem::path& dir) {
  try {
    load_conf_dir(dir);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return "";
}

boost::json::value config_of(const Config& cfg, std::string_view instance) {
  for (const auto& p : cfg.plugins)
    if (p.name == instance) return boost::json::parse(p.config_json);
  ADD_FAILURE() << "no instance " << instance;
  return nullptr;
}

TEST(ConfDir, EmptyDirectoryGivesDefaultsAndAWarning) {
  TempDir dir;
  Config cfg = load_conf_dir(dir.path());
  EXPECT_EQ(cfg.core.ebpf_map_size, kDefaultEbpfMapSize);
  EXPECT_EQ(cfg.core.tc_priority, 2u) << "not 1, the priority other tools take";
  EXPECT_EQ(cfg.core.metrics_interval, kDefaultMetricsInterval);
  EXPECT_EQ(cfg.core.interface, "");
  EXPECT_EQ(cfg.core.plugin_dir, kDefaultPluginDir);
  EXPECT_TRUE(cfg.plugins.empty());
  ASSERT_EQ(cfg.warnings.size(), 1u);
}

TEST(ConfDir, UserStaysEmptyUnlessAnExistingUserIsNamed) {
  TempDir dir;
  EXPECT_EQ(load_conf_dir(dir.path()).core.user, "") << "an upgrade must not change who runs";
  dir.write("10-core.yaml", "core: {user: root}\n");
  EXPECT_EQ(load_conf_dir(dir.path()).core.user, "root");
}

TEST(ConfDir, FilesMergeInByteOrderOfTheirNames) {
  TempDir dir;
  // "9-" sorts after "10-" and "20-": byte order, not numeric, as `ls` shows it.
  dir.write("9-last.yaml", "core: {log_level: error}\n");
  dir.write("20-second.yaml", "core: {log_level: debug, ebpf_map_size: 2048}\n");
  dir.write("10-first.yaml",
            "core: {log_level: warn, interface: eth0, ebpf_map_size: 1024, tc_priority: 7}\n");
  Config cfg = load_conf_dir(dir.path());
  EXPECT_EQ(cfg.core.tc_priority, 7u);
  EXPECT_EQ(cfg.core.log_level, "error");
  EXPECT_EQ(cfg.core.interface, "eth0");
  EXPECT_EQ(cfg.core.ebpf_map_size, 2048u);
  ASSERT_EQ(cfg.files.size(), 3u);
  EXPECT_TRUE(cfg.files[0].ends_with("10-first.yaml"));
  EXPECT_TRUE(cfg.files[2].ends_with("9-last.yaml"));
}

TEST(ConfDir, MapsMergeRecursivelyListsAndScalarsAreReplaced) {
  TempDir dir;
  dir.write("10-api.yaml",
            "plugins:\n"
            "  api:\n"
            "    plugin: sink-jsonapi\n"
            "    config: {listen: [\"127.0.0.1:8080\", \"[::1]:8080\"], auth: none, threads: 1}\n");
  dir.write("50-local.yaml",
            "plugins:\n"
            "  api:\n"
            "    config: {listen: [\"0.0.0.0:9000\"], threads: 2}\n");
  Config cfg = load_conf_dir(dir.path());
  ASSERT_EQ(cfg.plugins.size(), 1u);
  EXPECT_EQ(cfg.plugins[0].plugin, "sink-jsonapi");
  EXPECT_EQ(config_of(cfg, "api"),
            boost::json::parse(R"({"listen":["0.0.0.0:9000"],"auth":"none","threads":2})"));
}

TEST(ConfDir, ALaterFileCanDisableAShippedInstance) {
  TempDir dir;
  dir.write("20-static.yaml",
            "plugins:\n  static:\n    plugin: discovery-static\n    config: {servers: []}\n");
  dir.write("50-off.yaml", "plugins: {static: {enabled: false}}\n");
  Config cfg = load_conf_dir(dir.path());
  ASSERT_EQ(cfg.plugins.size(), 1u);
  EXPECT_FALSE(cfg.plugins[0].enabled);
  EXPECT_EQ(cfg.plugins[0].plugin, "discovery-static");
}

TEST(ConfDir, AnEmptySectionHeaderInALaterFileErasesNothing) {
  TempDir dir;
  dir.write("10-core.yaml", "core:\n  log_level: debug\n");
  dir.write("20-empty.yaml", "core:\n  # nothing yet\n");
  EXPECT_EQ(load_conf_dir(dir.path()).core.log_level, "debug");
}

TEST(ConfDir, InstancesKeepTheOrderTheirNamesFirstAppear) {
  TempDir dir;
  dir.write("10-a.yaml", "plugins: {zeta: {plugin: p1}, alpha: {plugin: p2}}\n");
  dir.write("20-b.yaml", "plugins: {beta: {plugin: p3}, zeta: {enabled: false}}\n");
  Config cfg = load_conf_dir(dir.path());
  ASSERT_EQ(cfg.plugins.size(), 3u);
  EXPECT_EQ(cfg.plugins[0].name, "zeta");
  EXPECT_EQ(cfg.plugins[1].name, "alpha");
  EXPECT_EQ(cfg.plugins[2].name, "beta");
}

TEST(ConfDir, OnlyVisibleYamlFilesAreRead) {
  TempDir dir;
  dir.write("10-core.yaml", "core: {log_level: warn}\n");
  for (const char* ignored : {".hidden.yaml", "10-core.yaml~", "old.yaml.off", "x.yml", "x.json"})
    dir.write(ignored, "this is: [not valid\n");
  Config cfg = load_conf_dir(dir.path());
  EXPECT_EQ(cfg.core.log_level, "warn");
  EXPECT_EQ(cfg.files.size(), 1u);
}

TEST(ConfDir, AMissingDirectoryIsAnError) {
  EXPECT_THROW(load_conf_dir("/nonexistent/flowlens/conf.d"), ConfigError);
}

TEST(ConfDir, DurationsAcceptSecondsAndUnits) {
  struct Case {
    const char* text;
    long long ms;
  };
  for (Case c : {Case{"1", 1000},
                 {"0.5", 500},
                 {"500ms", 500},
                 {"2s", 2000},
                 {"1.5s", 1500},
                 {"5m", 300000},
                 {"1h30m", 5400000},
                 {"\"10s\"", 10000}}) {
    TempDir dir;
    dir.write("10.yaml", std::string("core: {metrics_interval: ") + c.text + "}\n");
    EXPECT_EQ(load_conf_dir(dir.path()).core.metrics_interval.count(), c.ms) << c.text;
  }
}

TEST(ConfDir, PluginAndEstimatorSectionsBecomeTypedJson) {
  TempDir dir;
  dir.write("10.yaml",
            "estimator: {min_session_seconds: 3, max_query_share: 0.25, note: text}\n"
            "plugins:\n"
            "  x:\n"
            "    plugin: demo\n"
            "    config: {port: 25565, quoted: \"25565\", on: true, off: false, nothing: ~,\n"
            "             list: [a, 1], hex: 0x10, version: 1.2.3}\n");
  Config cfg = load_conf_dir(dir.path());
  EXPECT_EQ(
      boost::json::value(cfg.estimator),
      boost::json::parse(R"({"min_session_seconds":3,"max_query_share":0.25,"note":"text"})"));
  EXPECT_EQ(config_of(cfg, "x"), boost::json::parse(R"({"port":25565,"quoted":"25565","on":true,
      "off":false,"nothing":null,"list":["a",1],"hex":16,"version":"1.2.3"})"));
}

// Every error names FILE:LINE:COLUMN, the key path, and what was expected.
struct BadCase {
  const char* what;
  const char* yaml;
  const char* expected;  // substring after "FILE:"
};

// A line that would exhaust the YAML parser's stack if it were handed over.
const std::string kDeepBrackets(10000, '[');

class ConfDirErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ConfDirErrors, NameFileLineColumnAndExpectation) {
  const BadCase& c = GetParam();
  TempDir dir;
  std::string file = dir.write("10-core.yaml", c.yaml);
  std::string message = load_error(dir.path());
  EXPECT_NE(message.find(file + ":" + c.expected), std::string::npos)
      << c.what << "\n  expected: " << file << ":" << c.expected << "\n  actual:   " << message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ConfDirErrors,
    ::testing::Values(
        BadCase{"unknown key", "core:\n  ebpf_mapsize: 1\n",
                "2:3: core.ebpf_mapsize: unknown key (expected one of:"},
        BadCase{"unknown top-level key", "cores: {}\n", "1:1: cores: unknown key"},
        BadCase{"not a number", "core:\n  ebpf_map_size: abc\n",
                "2:18: core.ebpf_map_size: expected a positive integer, got 'abc'"},
        BadCase{"zero map size", "core:\n  ebpf_map_size: 0\n",
                "2:18: core.ebpf_map_size: expected an integer from 1 to 1048576, got '0'"},
        BadCase{"quoted number", "core:\n  ebpf_map_size: \"100\"\n",
                "2:18: core.ebpf_map_size: expected a positive integer"},
        BadCase{"TC priority 0 (kernel-chosen)", "core:\n  tc_priority: 0\n",
                "2:16: core.tc_priority: expected an integer from 1 to 65535, got '0'"},
        BadCase{"TC priority past 16 bits", "core:\n  tc_priority: 65536\n",
                "2:16: core.tc_priority: expected an integer from 1 to 65535, got '65536'"},
        BadCase{"bad duration", "core:\n  metrics_interval: fast\n",
                "2:21: core.metrics_interval: expected a duration"},
        BadCase{"too short an interval", "core: {metrics_interval: 1ms}\n",
                "1:26: core.metrics_interval: expected a duration from 100ms"},
        BadCase{"bad log level", "core:\n  log_level: loud\n",
                "2:14: core.log_level: expected one of trace, debug"},
        BadCase{"relative plugin dir", "core:\n  plugin_dir: plugins\n",
                "2:15: core.plugin_dir: expected an absolute path"},
        BadCase{"a user this host does not have", "core:\n  user: flowlens-no-such-user\n",
                "2:9: core.user: no user 'flowlens-no-such-user' on this host"},
        BadCase{"list as interface", "core:\n  interface: [eth0]\n",
                "2:14: core.interface: expected a string, got a list"},
        BadCase{"section not a map", "core: 5\n", "1:7: core: expected a map of keys, got '5'"},
        BadCase{"instance without plugin", "plugins:\n  x: {config: {}}\n",
                "2:3: plugins.x: missing key 'plugin'"},
        BadCase{"path in plugin name", "plugins:\n  x: {plugin: ../evil}\n",
                "2:15: plugins.x.plugin: expected a plugin name"},
        BadCase{"yes is not a boolean", "plugins:\n  x: {plugin: p, enabled: yes}\n",
                "2:27: plugins.x.enabled: expected true or false, got 'yes'"},
        BadCase{"plugin config a list", "plugins:\n  x:\n    plugin: p\n    config: [1]\n",
                "4:13: plugins.x.config: expected a map"},
        BadCase{"unknown instance key", "plugins:\n  x: {plugin: p, settings: {}}\n",
                "2:18: plugins.x.settings: unknown key"},
        BadCase{"estimator not a map", "estimator: 3\n", "1:12: estimator: expected a map"},
        BadCase{"duplicate key", "core:\n  log_level: info\n  log_level: debug\n",
                "3:3: log_level: duplicate key"},
        BadCase{"top level is a list", "- core\n", "1:1: expected a map of top-level keys"},
        BadCase{"two documents", "core: {}\n---\nplugins: {}\n",
                "2:1: expected one YAML document per file, found another here"},
        // yaml-cpp alone loops on it, yielding empty documents until memory runs out.
        BadCase{"a stray comma at the top", ",a\n", "1:1: invalid YAML: unexpected ','"},
        BadCase{"a stray comma after an anchor", "&x ,\n", "1:4: invalid YAML: unexpected ','"},
        BadCase{"a stray comma in a second document", "core: {}\n---\n,\n",
                "2:1: expected one YAML document per file"},
        BadCase{"bad YAML syntax", "core: {log_level: info\nplugins: {}\n", "2:"},
        BadCase{"bad YAML syntax names the problem", "core: [1, 2\n",
                "2:1: invalid YAML: end of sequence flow not found"},
        BadCase{"an alias that contains itself", "estimator: &e [*e]\n",
                "1:12: nested more than 64 levels deep (an alias that contains itself?)"},
        BadCase{"aliases that expand to a billion values",
                "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
                "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n",
                "1:26: more than 1000000 values once aliases are expanded"},
        BadCase{"ten thousand nested brackets", kDeepBrackets.c_str(),
                "1:65: brackets nested more than 64 deep"}));

TEST(ConfDir, ErrorsAfterMergePointIntoTheFileThatSetTheValue) {
  TempDir dir;
  std::string first = dir.write("10-core.yaml", "core:\n  log_level: loud\n  interface: eth0\n");
  std::string second = dir.write("20-local.yaml", "core:\n  interface: eth1\n  ebpf_map_size: x\n");
  std::string message = load_error(dir.path());
  EXPECT_NE(message.find(first + ":2:14: core.log_level"), std::string::npos) << message;
  EXPECT_NE(message.find(second + ":3:18: core.ebpf_map_size"), std::string::npos) << message;
}

TEST(ConfDir, EveryBrokenFileIsReportedInOneRun) {
  TempDir dir;
  std::string a = dir.write("10-a.yaml", "core: [\n");
  std::string b = dir.write("20-b.yaml", "core: {x: 1, y: 2}\n");
  std::string c = dir.write("30-c.yaml", "a: b: c\n");
  try {
    load_conf_dir(dir.path());
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    // The syntax errors of a and c come first; b is only schema-checked once all files parse.
    ASSERT_EQ(e.messages().size(), 2u) << e.what();
    EXPECT_TRUE(e.messages()[0].starts_with(a + ":")) << e.what();
    EXPECT_TRUE(e.messages()[1].starts_with(c + ":")) << e.what();
  }
}

}  // namespace
}  // namespace flowlens::config
