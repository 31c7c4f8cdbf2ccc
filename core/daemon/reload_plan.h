// SPDX-License-Identifier: BSD-2-Clause
// What a live reload changes: the running configuration against the one just read. Pure data in,
// data out, so which instances restart is decided (and tested) apart from doing it.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "config/config.h"

namespace flowlens::daemon {

struct ReloadPlan {
  // Instances to stop for good (removed, disabled): their servers are withdrawn.
  std::vector<std::string> stop;
  // Instances whose plugin or section changed, with their new configuration.
  std::vector<config::PluginInstanceConfig> restart;
  // Instances that are new, or newly enabled.
  std::vector<config::PluginInstanceConfig> start;
  // Every discovery instance restarts too: they read core.discovery_interval when created.
  bool discovery_interval_changed = false;
  bool estimator_changed = false;
  bool metrics_interval_changed = false;
  bool log_level_changed = false;
  // One sentence per core setting that changed but only takes effect on a restart.
  std::vector<std::string> needs_restart;
  // Why the new configuration cannot be applied, each "FILE:LINE:COL: plugins.NAME: ...". A plan
  // with errors is refused as a whole.
  std::vector<std::string> errors;
  // The configuration in effect once the plan is applied: the new one, with the settings that
  // need a restart kept at their running values.
  config::Config applied;

  bool changes_plugins() const { return !stop.empty() || !restart.empty() || !start.empty(); }
};

// Compares `running` with `next`. `installed` are the plugins in the running plugin directory
// (config::list_installed_plugins): an instance the reload would start or restart needs its
// plugin there. An unchanged instance whose plugin is missing stays as it is (it was left out at
// start with a warning already).
ReloadPlan plan_reload(const config::Config& running, const config::Config& next,
                       const std::set<std::string>& installed);

}  // namespace flowlens::daemon
