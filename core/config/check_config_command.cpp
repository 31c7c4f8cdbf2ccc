// SPDX-License-Identifier: BSD-2-Clause
#include "config/check_config_command.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <set>
#include <string_view>
#include <system_error>

#include "config/estimator_section.h"
#include "config/loaders.h"
#include "config/plugin_availability.h"
#include "config/plugin_probe.h"
#include "config/plugin_roles.h"
#include "flowlens/plugin.h"
#include "registry/server_registry.h"

namespace flowlens::config {

namespace {

// Writes what check_plugin_section found, each line after `prefix` ("" for an error,
// "warning: " for a disabled instance). Returns what it found; `error` is empty when the plugin
// accepted the section.
SectionCheck probe_instance(const PluginInstanceConfig& inst,
                            const std::filesystem::path& plugin_dir, std::ostream& err,
                            std::string_view prefix) {
  SectionCheck r = check_plugin_section(inst, plugin_dir);
  for (const auto& line : r.notes) err << prefix << line << '\n';
  if (!r.error.empty()) err << prefix << r.error << '\n';
  return r;
}

// The daemon merges discovery by the same rules and keeps running, but the server that loses a
// port reads unknown for as long as the config stays so: a mistake worth failing the check for.
// Only plugins that publish from their config alone are seen here; the others publish what a
// service says at run time. Returns the error count.
size_t report_conflicts(const registry::ServerRegistry& published,
                        const std::vector<PluginInstanceConfig>& instances, std::ostream& err) {
  const registry::MergedView view = published.merged();
  for (const auto& c : view.conflicts) {
    const auto inst = std::find_if(instances.begin(), instances.end(),
                                   [&](const auto& i) { return i.name == c.losing_source; });
    if (inst != instances.end()) err << inst->pos.to_string() << ": ";
    err << "plugins." << c.losing_source << ": " << c.text
        << ": the server that loses it would read unknown\n";
  }
  return view.conflicts.size();
}

// Checks every enabled, installed instance through its plugin. Returns the error count.
size_t check_plugins(const Config& cfg, const std::filesystem::path& plugin_dir,
                     std::ostream& err) {
  Config located = cfg;
  located.core.plugin_dir = plugin_dir.string();
  const std::set<std::string> installed = list_installed_plugins(plugin_dir);
  PluginSelection sel = select_available_plugins(located, installed);
  for (const auto& w : sel.warnings) err << "warning: " << w << " (its section is not checked)\n";

  size_t errors = 0;
  PluginRoles roles;
  registry::ServerRegistry published;
  for (const auto& inst : sel.to_load) {
    SectionCheck r = probe_instance(inst, plugin_dir, err, "");
    if (!r.error.empty()) {
      ++errors;
      continue;
    }
    if (r.capabilities & FLOWLENS_CAP_DISCOVERY) ++roles.discovery;
    if (r.capabilities & FLOWLENS_CAP_SINK) ++roles.sinks;
    if (!r.servers.empty()) published.replace_all(inst.name, std::move(r.servers));
  }
  errors += report_conflicts(published, sel.to_load, err);
  // A disabled section is what an operator enables later (the shipped examples): say now what
  // would fail then, without failing a configuration that runs as it is.
  for (const auto& inst : located.plugins)
    if (!inst.enabled && installed.contains(inst.plugin))
      probe_instance(inst, plugin_dir, err, "warning: ");
  // Only when every enabled section is valid: a rejected section already explains a missing role.
  if (errors == 0) {
    for (const auto& e : missing_role_errors(roles, RolesContext::kCheckConfig)) {
      err << e << '\n';
      ++errors;
    }
  }
  return errors;
}

}  // namespace

int run_check_config(const CheckConfigOptions& options, const CheckConfigHooks& hooks,
                     std::ostream& out, std::ostream& err) {
  std::error_code ec;
  const bool single_file = !options.config_file.empty();
  const std::filesystem::path source = single_file ? options.config_file : options.conf_dir;
  if (!std::filesystem::exists(source, ec)) {
    err << "check-config: " << source.string() << ": no such "
        << (single_file ? "file" : "directory") << '\n';
    return kCheckConfigUsage;
  }

  Config cfg;
  try {
    cfg = single_file ? load_config_file(source) : load_conf_dir(source);
  } catch (const ConfigError& e) {
    for (const auto& m : e.messages()) err << m << '\n';
    err << "INVALID: " << e.messages().size() << " error(s)\n";
    return kCheckConfigInvalid;
  }
  for (const auto& w : cfg.warnings) err << "warning: " << w << '\n';

  size_t errors = 0;
  try {
    if (hooks.validate_estimator)
      hooks.validate_estimator(cfg.estimator);
    else
      estimator_config_from(cfg);
  } catch (const ConfigError& e) {
    for (const auto& m : e.messages()) err << m << '\n';
    errors += e.messages().size();
  } catch (const std::exception& e) {
    err << cfg.estimator_pos.to_string() << ": estimator: " << e.what() << '\n';
    ++errors;
  }

  const std::filesystem::path plugin_dir =
      options.plugin_dir.empty() ? cfg.core.plugin_dir : options.plugin_dir;
  errors += check_plugins(cfg, plugin_dir, err);
  if (errors > 0) {
    err << "INVALID: " << errors << " error(s)\n";
    return kCheckConfigInvalid;
  }
  out << "OK: " << cfg.files.size() << (cfg.files.size() == 1 ? " file, " : " files, ")
      << cfg.plugins.size() << (cfg.plugins.size() == 1 ? " plugin instance" : " plugin instances")
      << '\n';
  return kCheckConfigOk;
}

void register_check_config_command(CLI::App& app, CheckConfigHooks hooks) {
  auto options = std::make_shared<CheckConfigOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check-config",
      "Validate the configuration (core and every plugin section) without network, BPF or "
      "root; exit 0 valid, 1 invalid, 2 usage");
  cmd->add_option("--conf-dir", options->conf_dir, "conf.d directory to check")
      ->capture_default_str();
  cmd->add_option("--config", options->config_file,
                  "check one file instead: an original FlowLens config.yaml or a conf.d file");
  cmd->add_option("--plugin-dir", options->plugin_dir,
                  "where plugin .so files are (default: core.plugin_dir from the config)");
  // Unknown arguments are collected instead of failing inside CLI11, whose exit code for them is
  // its own (109); check-config promises 2 for every usage error.
  cmd->allow_extras();
  cmd->callback([options, hooks = std::move(hooks), cmd] {
    if (!cmd->remaining().empty()) {
      std::string unknown;
      for (const auto& a : cmd->remaining()) unknown += " " + a;
      throw CLI::RuntimeError("check-config: unknown argument(s):" + unknown + " (see --help)",
                              kCheckConfigUsage);
    }
    if (cmd->count("--conf-dir") && cmd->count("--config"))
      throw CLI::RuntimeError("check-config: give --conf-dir or --config, not both",
                              kCheckConfigUsage);
    int rc = run_check_config(*options, hooks, std::cout, std::cerr);
    if (rc != kCheckConfigOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace flowlens::config
