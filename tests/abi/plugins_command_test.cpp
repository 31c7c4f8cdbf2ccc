// SPDX-License-Identifier: BSD-2-Clause
// `flowlensd plugins` as an operator runs it: a table of what loads, the reason for what does
// not, and a failing exit status when something was refused.
#include <string>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include "abi_test_support.h"
#include "plugin_host/plugins_command.h"

namespace flowlens::plugin_host {
namespace {

using testing::TrustedDir;

// Parses `flowlensd plugins --plugin-dir <dir>`; returns the exit code CLI11 would give. `error`
// gets the error flowlensd would log.
int run_plugins_command(const std::string& dir, std::string& output, std::string* error = nullptr) {
  CLI::App app("flowlensd");
  std::string plugin_dir = "/nonexistent";
  register_plugins_command(app, &plugin_dir);
  ::testing::internal::CaptureStdout();
  int code = 0;
  try {
    app.parse(std::vector<std::string>{dir, "--plugin-dir", "plugins"});  // reversed by CLI11
  } catch (const CLI::Error& e) {
    code = e.get_exit_code();
    if (error) *error = e.what();
  }
  output = ::testing::internal::GetCapturedStdout();
  return code;
}

TEST(PluginsCommand, PrintsNameVersionAbiAndCapabilities) {
  TrustedDir dir;
  dir.add("abi_frozen_v1");
  std::string out;
  EXPECT_EQ(run_plugins_command(dir.path().string(), out), 0);
  EXPECT_NE(out.find("NAME"), std::string::npos) << out;
  EXPECT_NE(out.find("frozen-v1"), std::string::npos) << out;
  EXPECT_NE(out.find("1.0.0"), std::string::npos) << out;
  EXPECT_NE(out.find("discovery+sink"), std::string::npos) << out;
}

TEST(PluginsCommand, RefusedPluginIsListedWithItsReasonAndFailsTheCommand) {
  TrustedDir dir;
  dir.add("abi_frozen_v1");
  dir.add("abi_next_major");
  std::string out;
  EXPECT_EQ(run_plugins_command(dir.path().string(), out), 1);
  EXPECT_NE(out.find("frozen-v1"), std::string::npos) << out;
  EXPECT_NE(out.find("refused: refusing plugin"), std::string::npos) << out;
  EXPECT_NE(out.find("built for plugin ABI 2.0"), std::string::npos) << out;
}

TEST(PluginsCommand, AMissingDirectoryFailsInsteadOfListingNothing) {
  std::string out, err;
  EXPECT_EQ(run_plugins_command("/nonexistent/flowlens/plugins", out, &err), 1);
  EXPECT_NE(err.find("/nonexistent/flowlens/plugins: no such directory"), std::string::npos) << err;
}

}  // namespace
}  // namespace flowlens::plugin_host
