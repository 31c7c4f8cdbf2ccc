// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/alert_test_command.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

#include "config/loaders.h"
#include "config/plugin_availability.h"
#include "daemon/host_services_impl.h"
#include "plugin_host/loader.h"
#include "plugin_host/plugin_error.h"
#include "plugin_host/plugin_instance.h"
#include "registry/server_registry.h"

namespace flowlens::daemon {

namespace {

void print_report(std::ostream& out, const std::string& report) {
  size_t start = 0;
  while (start < report.size()) {
    size_t end = report.find('\n', start);
    if (end == std::string::npos) end = report.size();
    if (end > start) out << "    " << report.substr(start, end - start) << '\n';
    start = end + 1;
  }
}

}  // namespace

int run_alert_test(const AlertTestOptions& options, std::ostream& out, std::ostream& err) {
  config::Config cfg;
  try {
    cfg = options.config_file.empty()
              ? config::load_conf_dir(options.conf_dir.empty()
                                          ? std::filesystem::path(config::kDefaultConfDir)
                                          : std::filesystem::path(options.conf_dir))
              : config::load_config_file(options.config_file);
  } catch (const config::ConfigError& e) {
    for (const auto& m : e.messages()) err << m << '\n';
    return kAlertTestUsage;
  }
  if (!options.plugin_dir.empty()) cfg.core.plugin_dir = options.plugin_dir;
  auto selection =
      config::select_available_plugins(cfg, config::list_installed_plugins(cfg.core.plugin_dir));
  for (const auto& w : selection.warnings) err << "warning: " << w << '\n';

  // The test starts each instance the way the daemon would, without BPF: its discovery output
  // goes into a registry nobody reads.
  registry::ServerRegistry registry;
  HostServicesImpl services(registry);
  size_t tested = 0;
  size_t failed = 0;
  bool named_found = false;
  for (const auto& inst : selection.to_load) {
    if (!options.instance.empty() && inst.name != options.instance) continue;
    named_found = true;
    std::shared_ptr<const plugin_host::LoadedPlugin> plugin;
    try {
      plugin = plugin_host::load_plugin(cfg.core.plugin_dir, inst.plugin);
    } catch (const plugin_host::PluginError& e) {
      err << inst.pos.to_string() << ": " << e.what() << '\n';
      ++failed;
      continue;
    }
    if (!plugin->is_sink() || plugin->descriptor.self_test == nullptr) {
      if (!options.instance.empty()) {
        err << "alert-test: instance '" << inst.name << "' (" << inst.plugin
            << ") has no test message\n";
        return kAlertTestUsage;
      }
      continue;
    }
    ++tested;
    plugin_host::PluginInstance instance(inst.name, plugin, services);
    std::string report;
    flowlens_status st = FLOWLENS_ERR_FAILED;
    try {
      instance.create(inst.config_json);
      instance.start();
      st = instance.self_test(report);
    } catch (const plugin_host::PluginError& e) {
      report = e.what();
    }
    instance.stop();
    instance.destroy();
    out << inst.name << " (" << inst.plugin << "): " << (st == FLOWLENS_OK ? "OK" : "FAILED")
        << '\n';
    print_report(out, report);
    if (st != FLOWLENS_OK) ++failed;
  }
  if (!options.instance.empty() && !named_found) {
    err << "alert-test: no enabled, installed instance named '" << options.instance << "'\n";
    return kAlertTestUsage;
  }
  if (tested == 0 && failed == 0) {
    err << "alert-test: no configured sink sends test messages (sink-webhook does)\n";
    return kAlertTestUsage;
  }
  return failed == 0 ? kAlertTestOk : kAlertTestFailed;
}

void register_alert_test_command(CLI::App& app) {
  auto options = std::make_shared<AlertTestOptions>();
  CLI::App* cmd = app.add_subcommand(
      "alert-test",
      "Send a test message through every configured webhook (or --instance) and print what each "
      "answered; exit 0 all accepted, 1 one failed, 2 usage");
  cmd->add_option("--conf-dir", options->conf_dir,
                  "conf.d directory (default /etc/flowlens/conf.d)");
  cmd->add_option("--config", options->config_file, "one config file instead of --conf-dir");
  cmd->add_option("--plugin-dir", options->plugin_dir,
                  "where plugin .so files are (default: core.plugin_dir from the config)");
  cmd->add_option("--instance", options->instance, "only this plugin instance");
  cmd->callback([options] {
    const int rc = run_alert_test(*options, std::cout, std::cerr);
    if (rc != kAlertTestOk) throw CLI::RuntimeError(rc);
  });
}

}  // namespace flowlens::daemon
