/* SPDX-License-Identifier: BSD-2-Clause */
// `flowlensd plugins`: lists the plugins installed in a directory with their ABI and version.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace flowlens::plugin_host {

// Adds the `plugins` subcommand to `app`, with `--plugin-dir` defaulting to `*plugin_dir`
// (which must outlive `app`; the daemon may point it at the configured directory). Prints the
// table of format_plugin_list() on stdout; exits 1 when any file was refused.
CLI::App* register_plugins_command(CLI::App& app, std::string* plugin_dir);

}  // namespace flowlens::plugin_host
