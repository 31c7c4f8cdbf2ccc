/* SPDX-License-Identifier: BSD-2-Clause */
// Loads a plugin shared object and checks it against the ABI before any of its code but the
// entry point runs. Libraries stay loaded until the process exits: a plugin's threads, atexit
// handlers or static destructors may still reference its code, and unloading buys nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "flowlens/plugin.h"

namespace flowlens::plugin_host {

// A plugin that passed every load check. Immutable; shared by all instances of the plugin.
struct LoadedPlugin {
  std::filesystem::path file;  // canonical path
  std::string name;
  std::string version;
  std::string description;
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  uint32_t capabilities = 0;
  // The plugin's descriptor copied into a zeroed struct of our size: fields a plugin of an older
  // minor did not provide read as NULL / 0, fields of a newer minor are not copied.
  flowlens_plugin_descriptor descriptor{};

  bool is_sink() const { return (capabilities & FLOWLENS_CAP_SINK) != 0; }
  bool is_discovery() const { return (capabilities & FLOWLENS_CAP_DISCOVERY) != 0; }
};

// Loads `file` (RTLD_NOW: an unresolved symbol fails here, not hours later), after checking that
// only root can write it. Loading the same file twice returns the same object. Throws
// PluginError naming the file and the reason: untrusted file, load failure, missing entry point,
// ABI major mismatch (both versions), missing required field or callback.
std::shared_ptr<const LoadedPlugin> load_plugin_file(const std::filesystem::path& file);

// Finds and loads the plugin called `name` in `directory`: `<directory>/<name>.so`, else the one
// file there whose descriptor says `name`. Throws PluginError, e.g. when it is not installed.
std::shared_ptr<const LoadedPlugin> load_plugin(const std::filesystem::path& directory,
                                                std::string_view name);

// "discovery", "sink" or "discovery+sink".
std::string capabilities_to_string(uint32_t capabilities);

}  // namespace flowlens::plugin_host
