// SPDX-License-Identifier: BSD-2-Clause
#include "plugin_host/plugins_command.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "plugin_host/plugin_list.h"

namespace flowlens::plugin_host {

CLI::App* register_plugins_command(CLI::App& app, std::string* plugin_dir) {
  CLI::App* cmd = app.add_subcommand("plugins", "List installed plugins with ABI and version");
  cmd->add_option("--plugin-dir", *plugin_dir, "Directory holding plugin .so files")
      ->capture_default_str();
  cmd->callback([plugin_dir] {
    if (std::error_code ec; !std::filesystem::is_directory(*plugin_dir, ec)) {
      throw CLI::RuntimeError("plugins: " + *plugin_dir + ": no such directory (give --plugin-dir)",
                              1);
    }
    std::vector<PluginInfo> plugins = list_plugins(*plugin_dir);
    std::fputs(format_plugin_list(plugins).c_str(), stdout);
    for (const PluginInfo& p : plugins) {
      if (!p.plugin) throw CLI::RuntimeError(1);
    }
  });
  return cmd;
}

}  // namespace flowlens::plugin_host
