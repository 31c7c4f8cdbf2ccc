// SPDX-License-Identifier: BSD-2-Clause
// check-config: exit codes, messages, the shipped conf.d/ and the original config.yaml, and
// plugin sections validated by the plugin itself.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include <sstream>

#include "config/check_config_command.h"
#include "test_files.h"

namespace flowlens::config {
namespace {

using testing::TempDir;

struct CheckRun {
  int code;
  std::string out;
  std::string err;
};

CheckRun check(CheckConfigOptions options, const CheckConfigHooks& hooks = {}) {
  if (options.plugin_dir.empty()) options.plugin_dir = testing::plugin_build_dir();
  std::ostringstream out, err;
  int code = run_check_config(options, hooks, out, err);
  return {code, out.str(), err.str()};
}

CheckConfigOptions dir_options(const std::filesystem::path& dir) {
  CheckConfigOptions o;
  o.conf_dir = dir.string();
  return o;
}

CheckRun check_dir(const std::filesystem::path& dir) {
  return check(dir_options(dir));
}

// A discovery and a sink, so a test about something else starts from a config that would run.
void write_working_base(TempDir& dir) {
  dir.write(
      "00-base.yaml",
      "plugins:\n"
      "  base-static: {plugin: discovery-static, config: {servers: [{id: mc, endpoints: "
      "[\"25565/tcp\"]}]}}\n"
      "  base-api: {plugin: sink-jsonapi, config: {listen: [\"127.0.0.1:9100\"], auth: none}}\n");
}

TEST(CheckConfig, ShippedConfDirIsValid) {
  const std::filesystem::path dir = testing::source_dir() + "/conf.d";
  CheckRun r = check_dir(dir);
  EXPECT_EQ(r.code, kCheckConfigOk) << r.err;
  size_t yaml_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    yaml_files += entry.path().extension() == ".yaml";
  EXPECT_TRUE(r.out.starts_with("OK: " + std::to_string(yaml_files) + " files, ")) << r.out;
}

TEST(CheckConfig, OriginalConfigYamlIsValid) {
  CheckConfigOptions o;
  o.config_file = testing::source_dir() + "/tests/config/fixtures/original-config.yaml";
  CheckRun r = check(o);
  EXPECT_EQ(r.code, kCheckConfigOk) << r.err;
  EXPECT_EQ(r.out, "OK: 1 file, 3 plugin instances\n");
}

TEST(CheckConfig, InvalidConfigExitsOneWithFileLineColumn) {
  TempDir dir;
  std::string file = dir.write("10-core.yaml", "core:\n  ebpf_map_size: abc\n");
  CheckRun r = check_dir(dir.path());
  EXPECT_EQ(r.code, kCheckConfigInvalid);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(file + ":2:18: core.ebpf_map_size: expected a positive integer, got 'abc'"),
            std::string::npos)
      << r.err;
}

TEST(CheckConfig, MissingDirectoryIsAUsageError) {
  CheckRun r = check_dir("/nonexistent/conf.d");
  EXPECT_EQ(r.code, kCheckConfigUsage);
  EXPECT_NE(r.err.find("/nonexistent/conf.d: no such directory"), std::string::npos) << r.err;
}

TEST(CheckConfig, PluginRejectionIsPinnedToTheOffendingLine) {
  TempDir dir;
  std::string file = dir.write("20-static.yaml",
                               "plugins:\n"
                               "  static:\n"
                               "    plugin: discovery-static\n"
                               "    config:\n"
                               "      servers:\n"
                               "        - {id: mc, endpoints: [\"25565/tcp\"]}\n"
                               "        - id: cs\n"
                               "          endpoints: [\"27015/udp\", \"27016\"]\n");
  CheckRun r = check_dir(dir.path());
  EXPECT_EQ(r.code, kCheckConfigInvalid);
  EXPECT_NE(r.err.find(file + ":8:36: plugins.static.config (discovery-static): "
                              "servers[1].endpoints[1]: expected PORT/PROTO"),
            std::string::npos)
      << r.err;
}

TEST(CheckConfig, ADisabledSectionIsCheckedAndItsErrorIsAWarning) {
  TempDir dir;
  write_working_base(dir);
  std::string file = dir.write("20-static.yaml",
                               "plugins:\n"
                               "  spare:\n"
                               "    plugin: discovery-static\n"
                               "    enabled: false\n"
                               "    config:\n"
                               "      servers:\n"
                               "        - {id: cs, endpoints: [\"27015\"]}\n");
  CheckRun r = check_dir(dir.path());
  EXPECT_EQ(r.code, kCheckConfigOk) << "a disabled instance does not run: " << r.err;
  EXPECT_NE(r.err.find("warning: " + file +
                       ":7:32: plugins.spare.config (discovery-static, "
                       "disabled): servers[0].endpoints[0]: expected PORT/PROTO"),
            std::string::npos)
      << r.err;
}

TEST(CheckConfig, NotInstalledPluginIsAWarningNotAFailure) {
  TempDir dir;
  write_working_base(dir);
  dir.write("10.yaml", "plugins: {hooks: {plugin: sink-nonexistent, config: {url: x}}}\n");
  CheckRun r = check_dir(dir.path());
  EXPECT_EQ(r.code, kCheckConfigOk) << r.err;
  EXPECT_NE(r.err.find("warning: plugin 'sink-nonexistent' is not installed"), std::string::npos)
      << r.err;
}

TEST(CheckConfig, NoSinkIsInvalid) {
  TempDir dir;
  dir.write("20.yaml", "plugins: {static: {plugin: discovery-static, config: {servers: []}}}\n");
  CheckRun r = check_dir(dir.path());
  EXPECT_EQ(r.code, kCheckConfigInvalid);
  EXPECT_NE(r.err.find("no sink plugin will run, so the estimates would reach nobody"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("no discovery plugin"), std::string::npos) << r.err;
}

TEST(CheckConfig, NoDiscoveryIsInvalid) {
  TempDir dir;
  dir.write("30.yaml",
            "plugins: {api: {plugin: sink-jsonapi, config: {listen: [\"127.0.0.1:9100\"], auth: "
            "none}}}\n");
  CheckRun r = check_dir(dir.path());
  EXPECT_EQ(r.code, kCheckConfigInvalid);
  EXPECT_NE(r.err.find("no discovery plugin will run, so no port is watched"), std::string::npos)
      << r.err;
}

// The shipped conf.d with its sink misspelt: the only sink is not installed, so nothing would be
// told; check-config names the plugin it probably meant and fails.
TEST(CheckConfig, AMisspeltOnlySinkIsInvalidWithASuggestion) {
  TempDir dir;
  dir.write("20.yaml", "plugins: {static: {plugin: discovery-static, config: {servers: []}}}\n");
  dir.write("30.yaml", "plugins: {api: {plugin: sink-jsonapu, config: {}}}\n");
  CheckRun r = check_dir(dir.path());
  EXPECT_EQ(r.code, kCheckConfigInvalid);
  EXPECT_NE(r.err.find("(did you mean 'sink-jsonapi'?)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no sink plugin will run"), std::string::npos) << r.err;
}

TEST(CheckConfig, AWrongPluginDirectoryIsInvalid) {
  CheckConfigOptions o = dir_options(testing::source_dir() + "/conf.d");
  o.plugin_dir = "/nonexistent/plugins";
  CheckRun r = check(o);
  EXPECT_EQ(r.code, kCheckConfigInvalid);
  EXPECT_NE(r.err.find("the plugin directory /nonexistent/plugins does not exist"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("no discovery plugin will run"), std::string::npos) << r.err;
}

// Two instances that list the same port: the daemon would keep one claim and report the other
// server unknown for as long as the config stays so. check-config fails and points at the section
// whose claim is dropped (the one whose name sorts later, as the daemon merges).
TEST(CheckConfig, APortListedByTwoInstancesIsInvalidAtTheLosingSection) {
  TempDir dir;
  write_working_base(dir);  // base-static: mc on 25565/tcp
  std::string file = dir.write("20.yaml",
                               "plugins:\n"
                               "  rust-static:\n"
                               "    plugin: discovery-static\n"
                               "    config: {servers: [{id: rust, endpoints: [\"28015/udp\", "
                               "\"25565/tcp\"]}]}\n");
  CheckRun r = check_dir(dir.path());
  EXPECT_EQ(r.code, kCheckConfigInvalid) << r.out;
  EXPECT_NE(r.err.find(file + ":2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("plugins.rust-static: port 25565/tcp is claimed by both base-static/mc and "
                       "rust-static/rust"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("INVALID: 1 error(s)"), std::string::npos) << r.err;
}

TEST(CheckConfig, AServerIdListedByTwoInstancesIsInvalid) {
  TempDir dir;
  write_working_base(dir);
  dir.write("20.yaml",
            "plugins: {more-static: {plugin: discovery-static, config: {servers: [{id: mc, "
            "endpoints: [\"25566/tcp\"]}]}}}\n");
  CheckRun r = check_dir(dir.path());
  EXPECT_EQ(r.code, kCheckConfigInvalid) << r.out;
  EXPECT_NE(r.err.find("plugins.more-static: server 'mc' is published by both 'base-static' and "
                       "'more-static'"),
            std::string::npos)
      << r.err;
}

// What the operator enables later is not running now: a disabled instance on the same port does
// not fail the config that runs as it is.
TEST(CheckConfig, ADisabledInstanceOnTheSamePortIsNoConflict) {
  TempDir dir;
  write_working_base(dir);
  dir.write("20.yaml",
            "plugins: {spare: {plugin: discovery-static, enabled: false, config: {servers: [{id: "
            "spare, endpoints: [\"25565/tcp\"]}]}}}\n");
  CheckRun r = check_dir(dir.path());
  EXPECT_EQ(r.code, kCheckConfigOk) << r.err;
  EXPECT_EQ(r.err.find("claimed by both"), std::string::npos) << r.err;
}

TEST(CheckConfig, AFileThatIsNotAPluginIsReported) {
  TempDir dir, plugins;
  plugins.write("discovery-static.so", "not an ELF file");
  dir.write("10.yaml", "plugins: {static: {plugin: discovery-static, config: {servers: []}}}\n");
  CheckConfigOptions o = dir_options(dir.path());
  o.plugin_dir = plugins.path().string();
  CheckRun r = check(o);
  EXPECT_EQ(r.code, kCheckConfigInvalid);
  EXPECT_NE(r.err.find("plugins.static: plugin 'discovery-static'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot load"), std::string::npos) << r.err;
}

TEST(CheckConfig, EstimatorHookErrorsPointAtTheSection) {
  TempDir dir;
  std::string file = dir.write("10.yaml", "core: {}\nestimator:\n  bogus: 1\n");
  CheckConfigHooks hooks;
  hooks.validate_estimator = [](const boost::json::object& o) {
    if (o.contains("bogus")) throw std::invalid_argument("unknown key 'bogus'");
  };
  CheckRun r = check(dir_options(dir.path()), hooks);
  EXPECT_EQ(r.code, kCheckConfigInvalid);
  EXPECT_NE(r.err.find(file + ":3:3: estimator: unknown key 'bogus'"), std::string::npos) << r.err;
}

TEST(CheckConfig, BadEstimatorKeyIsInvalid) {
  TempDir dir;
  std::string file = dir.write("10.yaml", "estimator:\n  min_packets: 3\n");
  CheckRun r = check_dir(dir.path());
  EXPECT_EQ(r.code, kCheckConfigInvalid);
  EXPECT_NE(r.err.find(file + ":2:3: estimator.min_packets: unknown estimator option"),
            std::string::npos)
      << r.err;
}

// Through the CLI as flowlensd registers it: the exit code travels in CLI::RuntimeError.
int cli(std::vector<std::string> args) {
  CLI::App app;
  register_check_config_command(app);
  args.insert(args.begin(), "flowlensd");
  std::vector<const char*> argv;
  for (auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::Error& e) {
    return e.get_exit_code();
  }
  return 0;
}

TEST(CheckConfig, CommandLineExitCodes) {
  const std::string plugins = "--plugin-dir=" + testing::plugin_build_dir();
  EXPECT_EQ(cli({"check-config", "--conf-dir", testing::source_dir() + "/conf.d", plugins}), 0);
  TempDir dir;
  dir.write("10.yaml", "core: {log_level: loud}\n");
  EXPECT_EQ(cli({"check-config", "--conf-dir", dir.path().string(), plugins}), 1);
  EXPECT_EQ(cli({"check-config", "--conf-dir", "/nonexistent", plugins}), 2);
  EXPECT_EQ(cli({"check-config", "--conf-dir", dir.path().string(), "--config", "x.yaml"}), 2);
  EXPECT_EQ(cli({"check-config", "--conf-dri", dir.path().string()}), 2);
}

}  // namespace
}  // namespace flowlens::config
