/* SPDX-License-Identifier: BSD-2-Clause */
// Loading a library runs its code with the daemon's privileges, and a config file says which
// libraries to load and where secrets are: so a plugin or config file, and the directory it
// sits in, must not be writable by anyone who could not already change the daemon.
#pragma once

#include <filesystem>
#include <string_view>

namespace flowlens::plugin_host {

// Throws PluginError "refusing KIND file PATH: why (how to fix)" unless `file` (symlinks
// resolved) is a regular file and both it and its directory are owned by root (or by the
// daemon's own user, who could replace the daemon anyway) and are not writable by group or
// others. A sticky directory (/tmp) may be writable by others: they can add files there, each
// refused as owned by them, but cannot replace ours. `kind` is "plugin" or "config".
void check_trusted_file(const std::filesystem::path& file, std::string_view kind);

inline void check_trusted_plugin_file(const std::filesystem::path& file) {
  check_trusted_file(file, "plugin");
}

}  // namespace flowlens::plugin_host
