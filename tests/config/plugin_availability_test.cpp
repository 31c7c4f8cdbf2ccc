// SPDX-License-Identifier: BSD-2-Clause
// A config naming a plugin that is not installed: one warning per missing plugin, the rest runs.
#include <gtest/gtest.h>

#include "config/plugin_availability.h"
#include "test_files.h"

namespace flowlens::config {
namespace {

PluginInstanceConfig inst(std::string name, std::string plugin, bool enabled = true) {
  PluginInstanceConfig p;
  p.name = std::move(name);
  p.plugin = std::move(plugin);
  p.enabled = enabled;
  return p;
}

TEST(PluginAvailability, ListsTheSoFilesOfTheDirectory) {
  testing::TempDir dir;
  dir.write("discovery-static.so", "");
  dir.write("sink-jsonapi.so", "");
  dir.write("README.txt", "");
  EXPECT_EQ(list_installed_plugins(dir.path()),
            (std::set<std::string>{"discovery-static", "sink-jsonapi"}));
  EXPECT_TRUE(list_installed_plugins("/nonexistent/plugins").empty());
}

TEST(PluginAvailability, AMisspeltPluginNameGetsTheInstalledOneSuggested) {
  testing::TempDir dir;
  Config cfg;
  cfg.core.plugin_dir = dir.path().string();
  cfg.plugins = {inst("api", "sink-jsonapu"), inst("x", "sink-graphite")};
  PluginSelection sel = select_available_plugins(cfg, {"sink-jsonapi", "sink-statsd"});
  ASSERT_EQ(sel.warnings.size(), 2u);
  EXPECT_NE(sel.warnings[1].find("(did you mean 'sink-jsonapi'?)"), std::string::npos)
      << sel.warnings[1];
  EXPECT_EQ(sel.warnings[0].find("did you mean"), std::string::npos)
      << "nothing installed is close to sink-graphite: " << sel.warnings[0];
}

TEST(PluginAvailability, AMissingPluginDirectoryIsNamed) {
  Config cfg;
  cfg.core.plugin_dir = "/nonexistent/flowlens/plugins";
  cfg.plugins = {inst("api", "sink-jsonapi")};
  PluginSelection sel = select_available_plugins(cfg, {});
  ASSERT_EQ(sel.warnings.size(), 1u);
  EXPECT_NE(sel.warnings[0].find("(the plugin directory /nonexistent/flowlens/plugins does not "
                                 "exist)"),
            std::string::npos)
      << sel.warnings[0];
}

TEST(PluginAvailability, MissingPluginGetsOneWarningAndTheRestRuns) {
  Config cfg;
  cfg.core.plugin_dir = "/nonexistent/plugins";
  cfg.plugins = {inst("api", "sink-jsonapi"), inst("docker", "discovery-docker"),
                 inst("docker2", "discovery-docker"), inst("static", "discovery-static"),
                 inst("off", "sink-webhook", false)};
  PluginSelection sel =
      select_available_plugins(cfg, {"sink-jsonapi", "discovery-static", "sink-webhook"});
  ASSERT_EQ(sel.to_load.size(), 2u);
  EXPECT_EQ(sel.to_load[0].name, "api");
  EXPECT_EQ(sel.to_load[1].name, "static");
  ASSERT_EQ(sel.warnings.size(), 1u);
  EXPECT_EQ(sel.warnings[0],
            "plugin 'discovery-docker' is not installed (no "
            "/nonexistent/plugins/discovery-docker.so) (the plugin directory /nonexistent/plugins "
            "does not exist); instances 'docker', 'docker2' will not run, everything else does");
}

}  // namespace
}  // namespace flowlens::config
