// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/reload_plan.h"

#include <boost/json/parse.hpp>

#include <map>

#include "config/plugin_availability.h"

namespace flowlens::daemon {

namespace {

// The enabled instances by name: what runs (or was meant to) under each configuration.
std::map<std::string, const config::PluginInstanceConfig*> enabled(const config::Config& cfg) {
  std::map<std::string, const config::PluginInstanceConfig*> out;
  for (const auto& inst : cfg.plugins)
    if (inst.enabled) out.emplace(inst.name, &inst);
  return out;
}

// Same plugin, same settings. Sections compare as JSON values, so reordered keys, comments and
// moved lines restart nothing.
bool same_instance(const config::PluginInstanceConfig& a, const config::PluginInstanceConfig& b) {
  return a.plugin == b.plugin &&
         boost::json::parse(a.config_json) == boost::json::parse(b.config_json);
}

// A core setting the running daemon cannot change (the attached program, its maps, where the
// loaded plugins came from): the running value is kept and the operator told.
template <typename T>
void keep_for_restart(const char* key, const T& running, T& next, std::vector<std::string>& out) {
  if (running == next) return;
  auto text = [](const T& v) {
    if constexpr (std::is_same_v<T, std::string>)
      return "'" + v + "'";
    else
      return std::to_string(v);
  };
  out.push_back("core." + std::string(key) + " changed from " + text(running) + " to " +
                text(next) + ": needs a restart; still running with " + text(running));
  next = running;
}

}  // namespace

ReloadPlan plan_reload(const config::Config& running, const config::Config& next,
                       const std::set<std::string>& installed) {
  ReloadPlan plan;
  plan.applied = next;
  config::CoreConfig& core = plan.applied.core;
  keep_for_restart("interface", running.core.interface, core.interface, plan.needs_restart);
  keep_for_restart("ebpf_map_size", running.core.ebpf_map_size, core.ebpf_map_size,
                   plan.needs_restart);
  keep_for_restart("tc_priority", running.core.tc_priority, core.tc_priority, plan.needs_restart);
  keep_for_restart("pin_dir", running.core.pin_dir, core.pin_dir, plan.needs_restart);
  keep_for_restart("plugin_dir", running.core.plugin_dir, core.plugin_dir, plan.needs_restart);
  keep_for_restart("user", running.core.user, core.user, plan.needs_restart);
  plan.metrics_interval_changed = core.metrics_interval != running.core.metrics_interval;
  plan.discovery_interval_changed = core.discovery_interval != running.core.discovery_interval;
  plan.log_level_changed = core.log_level != running.core.log_level;
  plan.estimator_changed = next.estimator != running.estimator;

  const auto before = enabled(running);
  const auto after = enabled(next);
  for (const auto& [name, inst] : before)
    if (!after.contains(name)) plan.stop.push_back(name);
  // In the new configuration's order: the order instances start in.
  for (const auto& inst : next.plugins) {
    if (!inst.enabled) continue;
    auto old = before.find(inst.name);
    if (old != before.end() && same_instance(*old->second, inst)) continue;
    if (!installed.contains(inst.plugin)) {
      plan.errors.push_back(inst.pos.to_string() + ": plugins." + inst.name + ": plugin '" +
                            inst.plugin + "' is not installed (no " +
                            config::plugin_file(core.plugin_dir, inst.plugin).string() + ")");
      continue;
    }
    (old != before.end() ? plan.restart : plan.start).push_back(inst);
  }
  return plan;
}

}  // namespace flowlens::daemon
