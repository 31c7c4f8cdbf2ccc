#include "config/plugin_availability.h"

#include <map>
#include <system_error>

namespace flowlens::config {

std::filesystem::path plugin_file(const std::filesystem::path& plugin_dir,
                                  const std::string& plugin) {
  return plugin_dir / (plugin + ".so");
}

std::set<std::string> list_installed_plugins(const std::filesystem::path& plugin_dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(plugin_dir, ec)) {
    const auto& p = entry.path();
    if (p.extension() == ".so" && entry.is_regular_file(ec)) names.insert(p.stem().string());
  }
  return names;
}

PluginSelection select_available_plugins(const Config& config,
                                         const std::set<std::string>& installed) {
  PluginSelection out;
  // Plugin name -> instances that need it; ordered so the warnings come out in a stable order.
  std::map<std::string, std::vector<std::string>> missing;
  for (const auto& inst : config.plugins) {
    if (!inst.enabled) continue;
    if (installed.count(inst.plugin)) {
      out.to_load.push_back(inst);
    } else {
      missing[inst.plugin].push_back(inst.name);
    }
  }
  for (const auto& [plugin, instances] : missing) {
    std::string names;
    for (const auto& n : instances) names += (names.empty() ? "'" : ", '") + n + "'";
    out.warnings.push_back("plugin '" + plugin + "' is not installed (no " +
                           plugin_file(config.core.plugin_dir, plugin).string() + "); " +
                           (instances.size() == 1 ? "instance " : "instances ") + names +
                           " will not run, everything else does");
  }
  return out;
}

}  // namespace flowlens::config
