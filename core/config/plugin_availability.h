/* SPDX-License-Identifier: BSD-2-Clause */
// Which configured plugin instances can run on this host. A config may name a plugin that is not
// installed (the original config.yaml always implies discovery-docker); the daemon then warns
// once per missing plugin and runs the rest.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"

namespace flowlens::config {

// The plugin file for a plugin name: DIR/NAME.so (flowlens_add_plugin builds NAME.so, no "lib").
std::filesystem::path plugin_file(const std::filesystem::path& plugin_dir,
                                  const std::string& plugin);

// Names of the plugins present in `plugin_dir`: every regular NAME.so, without ".so". A missing
// or unreadable directory yields an empty set (every instance then gets its warning).
std::set<std::string> list_installed_plugins(const std::filesystem::path& plugin_dir);

struct PluginSelection {
  // Enabled instances whose plugin is installed, in config order: what the daemon loads.
  std::vector<PluginInstanceConfig> to_load;
  // One message per missing plugin, naming it, the directory, and the instances left out.
  std::vector<std::string> warnings;
};

// Splits `config.plugins` by `installed` (see list_installed_plugins). Disabled instances are
// left out silently: the operator asked for that.
PluginSelection select_available_plugins(const Config& config,
                                         const std::set<std::string>& installed);

}  // namespace flowlens::config
