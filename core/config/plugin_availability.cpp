// SPDX-License-Identifier: BSD-2-Clause
#include "config/plugin_availability.h"

#include <algorithm>
#include <map>
#include <string_view>
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

namespace {

// Edits (insert, delete, replace) between two short names.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The installed plugin a misspelt name most likely meant ("sink-jsonapu"), or "".
std::string closest(const std::string& wanted, const std::set<std::string>& installed) {
  constexpr size_t kMaxTypos = 2;
  std::string best;
  size_t best_distance = kMaxTypos + 1;
  for (const auto& name : installed) {
    const size_t d = edit_distance(wanted, name);
    if (d < best_distance) {
      best = name;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace

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
  std::error_code ec;
  const bool dir_exists = std::filesystem::is_directory(config.core.plugin_dir, ec);
  for (const auto& [plugin, instances] : missing) {
    std::string names;
    for (const auto& n : instances) names += (names.empty() ? "'" : ", '") + n + "'";
    std::string hint;
    if (!dir_exists) {
      hint = " (the plugin directory " + config.core.plugin_dir + " does not exist)";
    } else if (std::string near = closest(plugin, installed); !near.empty()) {
      hint = " (did you mean '" + near + "'?)";
    }
    out.warnings.push_back("plugin '" + plugin + "' is not installed (no " +
                           plugin_file(config.core.plugin_dir, plugin).string() + ")" + hint +
                           "; " + (instances.size() == 1 ? "instance " : "instances ") + names +
                           " will not run, everything else does");
  }
  return out;
}

}  // namespace flowlens::config
