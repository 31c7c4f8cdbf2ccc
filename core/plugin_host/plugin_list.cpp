// SPDX-License-Identifier: BSD-2-Clause
#include "plugin_host/plugin_list.h"

#include <algorithm>
#include <cstdio>

#include "plugin_host/loader.h"

namespace flowlens::plugin_host {

std::vector<PluginInfo> list_plugins(const std::filesystem::path& directory) {
  std::vector<PluginInfo> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() != ".so") continue;
    PluginInfo info;
    info.file = entry.path();
    try {
      info.plugin = load_plugin_file(entry.path());
    } catch (const std::exception& e) {
      info.error = e.what();
    }
    out.push_back(std::move(info));
  }
  std::sort(out.begin(), out.end(),
            [](const PluginInfo& a, const PluginInfo& b) { return a.file < b.file; });
  return out;
}

std::string format_plugin_list(const std::vector<PluginInfo>& plugins) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-24s %-10s %-6s %-15s %s\n", "NAME", "VERSION", "ABI",
                "CAPABILITIES", "FILE");
  out += line;
  for (const PluginInfo& info : plugins) {
    if (!info.plugin) continue;
    const LoadedPlugin& p = *info.plugin;
    std::string abi = std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor);
    std::snprintf(line, sizeof line, "%-24s %-10s %-6s %-15s %s\n", p.name.c_str(),
                  p.version.c_str(), abi.c_str(), capabilities_to_string(p.capabilities).c_str(),
                  info.file.c_str());
    out += line;
  }
  for (const PluginInfo& info : plugins) {
    if (!info.plugin) out += "refused: " + info.error + "\n";
  }
  return out;
}

}  // namespace flowlens::plugin_host
