/* SPDX-License-Identifier: BSD-2-Clause */
// What `flowlensd plugins` shows: every .so in a directory, loaded and checked, with the reason
// for each one refused.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "plugin_host/loader.h"

namespace flowlens::plugin_host {

struct PluginInfo {
  std::filesystem::path file;                  // the .so found in the directory
  std::shared_ptr<const LoadedPlugin> plugin;  // null when refused
  std::string error;                           // why it was refused; empty when loaded
};

// Every `*.so` in `directory`, sorted by file name. A missing directory gives an empty list.
// Listing loads each plugin (and keeps it loaded), so it runs each entry point once.
std::vector<PluginInfo> list_plugins(const std::filesystem::path& directory);

// A table for people: name, version, ABI, capabilities, file; refused files with the reason.
std::string format_plugin_list(const std::vector<PluginInfo>& plugins);

}  // namespace flowlens::plugin_host
