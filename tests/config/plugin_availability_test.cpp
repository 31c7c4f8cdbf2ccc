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

TEST(PluginAvailability, MissingPluginGetsOneWarningAndTheRestRuns) {
  Config cfg;
  cfg.core.plugin_dir = "/usr/lib/flowlens/plugins";
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
            "/usr/lib/flowlens/plugins/discovery-docker.so); instances 'docker', 'docker2' will "
            "not run, everything else does");
}

}  // namespace
}  // namespace flowlens::config
