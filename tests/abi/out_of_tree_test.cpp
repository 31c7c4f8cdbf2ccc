// SPDX-License-Identifier: BSD-2-Clause
// The SDK as a plugin author gets it: install the SDK component to a fresh prefix, build
// sdk/example against it with find_package(FlowLensSDK), and run the result in the real host.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "abi_test_support.h"
#include "plugin_host/loader.h"
#include "plugin_host/plugin_instance.h"
#include "plugin_host/snapshot_view.h"

namespace flowlens::plugin_host {
namespace {

namespace fs = std::filesystem;
using testing::RecordingServices;
using testing::TrustedDir;

// Runs `cmd`, its output going to `log`; on failure the test shows the output.
void run(const std::string& cmd, const fs::path& log) {
  int rc = std::system((cmd + " > '" + log.string() + "' 2>&1").c_str());
  std::ifstream in(log);
  std::stringstream out;
  out << in.rdbuf();
  ASSERT_EQ(rc, 0) << cmd << "\n" << out.str();
}

TEST(SdkOutOfTree, ExampleBuildsAgainstInstalledSdkAndRunsInTheHost) {
  TrustedDir work;
  const std::string cmake = FLOWLENS_CMAKE_COMMAND;
  fs::path prefix = work.path() / "prefix";
  fs::path build = work.path() / "build";
  fs::path log = work.path() / "log.txt";
  ASSERT_NO_FATAL_FAILURE(run(cmake + " --install '" + FLOWLENS_TEST_BINARY_DIR +
                                  "' --component sdk --prefix '" + prefix.string() + "'",
                              log));
  ASSERT_TRUE(fs::exists(prefix / "include/flowlens/plugin.h"));
  ASSERT_TRUE(fs::exists(prefix / "lib/cmake/FlowLensSDK/FlowLensSDKConfig.cmake"));
  // Nothing from the FlowLens tree but the example's own folder: only the prefix is searched.
  ASSERT_NO_FATAL_FAILURE(run(cmake + " -S '" + FLOWLENS_TEST_SOURCE_DIR + "/sdk/example' -B '" +
                                  build.string() + "' -G '" + FLOWLENS_CMAKE_GENERATOR +
                                  "' -DCMAKE_PREFIX_PATH='" + prefix.string() + "'",
                              log));
  ASSERT_NO_FATAL_FAILURE(run(cmake + " --build '" + build.string() + "' -j 2", log));
  fs::path built = build / "example-hello.so";
  ASSERT_TRUE(fs::exists(built)) << "no lib prefix, .so suffix";

  TrustedDir plugins;
  fs::path file = plugins.path() / "example-hello.so";
  fs::copy_file(built, file);
  fs::permissions(file, fs::perms(0755));
  RecordingServices services;
  PluginInstance hello("hello", load_plugin(plugins.path(), "example-hello"), services);
  EXPECT_EQ(hello.plugin().version, "1.0.0");
  hello.create(R"({"id": "mc", "port": 25565, "proto": "tcp", "alert_players": 2})");
  hello.start();
  auto calls = services.calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].what, "replace");
  ASSERT_EQ(calls[0].servers.size(), 1u);
  EXPECT_EQ(calls[0].servers[0].endpoints[0].port, 25565);

  auto snapshot = std::make_shared<model::Snapshot>();
  model::ServerEstimate mc;
  mc.server_id = "mc";
  mc.known = true;
  mc.active_players = 3;
  snapshot->servers = {mc};
  std::string error;
  EXPECT_EQ(hello.deliver_snapshot(SnapshotView(snapshot), error), FLOWLENS_OK) << error;
  auto events = services.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, static_cast<uint32_t>(FLOWLENS_EVENT_THRESHOLD_CROSSED));
  EXPECT_EQ(events[0].value, 3);
  hello.stop();
  EXPECT_TRUE(services.logged("hello: stopped"));
}

}  // namespace
}  // namespace flowlens::plugin_host
