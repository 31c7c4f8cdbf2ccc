// SPDX-License-Identifier: BSD-2-Clause
#include "config/config_schema.h"

#include <boost/json.hpp>

#include <algorithm>
#include <optional>
#include <system_error>

#include "config/value_reader.h"
#include "privileges/run_user.h"

namespace flowlens::config {

namespace {

// Linux IFNAMSIZ is 16 including the terminating NUL.
constexpr size_t kMaxInterfaceName = 15;

// Checked where the configuration is read, so both check-config and the daemon name the file
// and line of a user this host does not have.
void read_user(MapReader& r, CoreConfig& core) {
  std::string user = core.user;
  if (!r.read_string("user", user)) return;
  const ConfigNode& v = *r.take("user");
  if (user.empty()) {
    core.user = user;
    return;
  }
  std::optional<privileges::RunUser> found;
  try {
    found = privileges::find_user(user);
  } catch (const std::system_error& e) {
    r.error(v, "user", e.what());
    return;
  }
  if (!found) {
    r.error(v, "user",
            "no user '" + user +
                "' on this host: create it (the flowlens package creates 'flowlens'; by hand: "
                "useradd --system --no-create-home --shell /usr/sbin/nologin " +
                user + ") or remove the key to stay root");
    return;
  }
  core.user = user;
}

void read_core(const ConfigNode& node, Diagnostics& diag, CoreConfig& core) {
  MapReader r(node, "core", diag);
  if (!r.ok()) return;

  if (r.read_string("interface", core.interface)) {
    const ConfigNode& v = *r.take("interface");
    if (!is_valid_interface_name(core.interface)) {
      r.error(v, "interface", std::string(kInterfaceNameExpected) + ", got " + describe(v));
      core.interface = std::string(kDefaultInterface);
    }
  }

  uint64_t map_size = core.ebpf_map_size;
  if (r.read_uint("ebpf_map_size", 1, kMaxEbpfMapSize, map_size))
    core.ebpf_map_size = static_cast<uint32_t>(map_size);

  uint64_t tc_priority = core.tc_priority;
  if (r.read_uint("tc_priority", 1, kMaxTcPriority, tc_priority))
    core.tc_priority = static_cast<uint32_t>(tc_priority);

  r.read_interval("metrics_interval", kMinInterval, kMaxInterval, core.metrics_interval);
  r.read_interval("discovery_interval", kMinInterval, kMaxInterval, core.discovery_interval);

  std::string level = core.log_level;
  if (r.read_string("log_level", level)) {
    if (level == "warning") level = "warn";
    if (std::find(std::begin(kLogLevels), std::end(kLogLevels), level) == std::end(kLogLevels)) {
      r.error(
          *r.take("log_level"), "log_level",
          "expected one of trace, debug, info, warn, error, critical, off, got '" + level + "'");
    } else {
      core.log_level = level;
    }
  }

  for (auto [key, field] :
       {std::pair{"plugin_dir", &core.plugin_dir}, std::pair{"pin_dir", &core.pin_dir}}) {
    std::string dir = *field;
    if (!r.read_string(key, dir)) continue;
    // The daemon runs from systemd with an unspecified working directory.
    if (dir.empty() || dir.front() != '/')
      r.error(*r.take(key), key, "expected an absolute path, got '" + dir + "'");
    else
      *field = dir;
  }

  read_user(r, core);
  r.finish();
}

void read_plugin(const ConfigNode::Entry& entry, Diagnostics& diag, Config& out) {
  const std::string path = "plugins." + entry.key;
  PluginInstanceConfig inst;
  inst.name = entry.key;
  inst.pos = entry.key_pos;
  if (!is_valid_name(entry.key)) {
    diag.error(entry.key_pos, path,
               "an instance name may only contain letters, digits, '-' and '_'");
  }
  MapReader r(entry.value, path, diag);
  if (!r.ok()) return;

  const ConfigNode* plugin = r.take("plugin");
  if (!plugin) {
    diag.error(entry.key_pos, path,
               "missing key 'plugin' (which plugin to load, e.g. plugin: discovery-static)");
  } else if (!plugin->is_scalar() || !is_valid_name(plugin->text())) {
    r.error(*plugin, "plugin",
            "expected a plugin name (letters, digits, '-', '_'), got " + describe(*plugin));
  } else {
    inst.plugin = plugin->text();
  }

  r.read_bool("enabled", inst.enabled);

  if (const ConfigNode* section = r.take("config")) {
    if (section->is_map()) {
      inst.config_node = *section;
      inst.config_json = boost::json::serialize(to_json(*section));
    } else if (!section->is_null()) {
      r.error(*section, "config",
              "expected a map (the plugin's settings), got " + describe(*section));
    }
  }
  r.finish();
  out.plugins.push_back(std::move(inst));
}

}  // namespace

bool is_valid_interface_name(std::string_view name) {
  return name.size() <= kMaxInterfaceName && name.find_first_of("/ \t\n\r:") == name.npos;
}

bool is_valid_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

Config config_from_tree(const ConfigNode& root) {
  Diagnostics diag;
  Config cfg;
  MapReader top(root, "", diag);
  if (top.ok()) {
    if (const ConfigNode* core = top.take("core")) read_core(*core, diag, cfg.core);

    if (const ConfigNode* est = top.take("estimator")) {
      cfg.estimator_pos = est->pos();
      if (est->is_map()) {
        cfg.estimator = to_json(*est).as_object();
        cfg.estimator_node = *est;
      } else if (!est->is_null())
        diag.error(est->pos(), "estimator",
                   "expected a map of estimator settings, got " + describe(*est));
    }

    if (const ConfigNode* plugins = top.take("plugins")) {
      if (plugins->is_map()) {
        for (const auto& e : plugins->entries()) read_plugin(e, diag, cfg);
      } else if (!plugins->is_null()) {
        diag.error(plugins->pos(), "plugins",
                   "expected a map of instance-name: {plugin: ..., config: ...}, got " +
                       describe(*plugins));
      }
    }
    top.finish();
  }
  diag.throw_if_any();
  return cfg;
}

}  // namespace flowlens::config
