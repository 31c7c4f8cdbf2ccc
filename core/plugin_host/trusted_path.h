/* SPDX-License-Identifier: BSD-2-Clause */
// Loading a library runs its code with the daemon's privileges, so a plugin file, and the
// directory it sits in, must not be writable by anyone who could not already change the daemon.
#pragma once

#include <filesystem>

namespace flowlens::plugin_host {

// Throws PluginError naming the path unless `file` (symlinks resolved) is a regular file and
// both it and its directory are owned by root (or by the daemon's own user, who could replace
// the daemon anyway) and are not writable by group or others.
void check_trusted_plugin_file(const std::filesystem::path& file);

}  // namespace flowlens::plugin_host
