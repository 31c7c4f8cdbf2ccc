// SPDX-License-Identifier: BSD-2-Clause
// flowlensd: the FlowLens daemon and its tools. Each command registers itself on the CLI.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "config/check_config_command.h"
#include "config/config.h"
#include "daemon/alert_test_command.h"
#include "daemon/logging.h"
#include "daemon/run_command.h"
#include "daemon/version.h"
#include "plugin_host/plugins_command.h"
#include "replay/replay_command.h"

namespace {

// Exit status of a command line that could not be parsed (missing value, unknown option).
constexpr int kUsageExitStatus = 2;

// `flowlensd --interface eth0 ...` means `flowlensd run --interface eth0 ...`: the daemon is the
// default command, as operators and unit files expect.
std::vector<char*> with_default_command(int argc, char** argv, const CLI::App& app,
                                        char* run_word) {
  std::vector<char*> args(argv, argv + argc);
  if (argc < 2) {
    args.push_back(run_word);
    return args;
  }
  std::string_view first = argv[1];
  bool is_command = false;
  for (const auto* sub : app.get_subcommands({})) is_command |= sub->get_name() == first;
  bool is_top_level_flag = first == "-h" || first == "--help" || first == "--version";
  if (!is_command && !is_top_level_flag) args.insert(args.begin() + 1, run_word);
  return args;
}

// The command the parse reached, as a prefix for its errors ("replay: "), or "" before one.
std::string command_prefix(const CLI::App& app) {
  for (const auto* sub : app.get_subcommands()) return sub->get_name() + ": ";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything can print: every line, a usage error included, comes out in the one format.
  flowlens::daemon::init_logging();
  CLI::App app{
      "flowlensd: counts the players on each game server from the network flows an eBPF\n"
      "program sees on this host. Without a command it runs the daemon (`run`)."};
  app.set_version_flag("--version", flowlens::daemon::kVersion);
  app.require_subcommand(1);
  flowlens::daemon::register_run_command(app);
  flowlens::replay::register_replay_command(app);
  flowlens::config::register_check_config_command(app);
  flowlens::daemon::register_alert_test_command(app);
  std::string plugin_dir(flowlens::config::kDefaultPluginDir);
  flowlens::plugin_host::register_plugins_command(app, &plugin_dir);
  app.add_subcommand("version", "Print the version and exit")->callback([] {
    std::cout << "flowlensd " << flowlens::daemon::kVersion << '\n';
  });

  char run_word[] = "run";
  auto args = with_default_command(argc, argv, app, run_word);
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::RuntimeError& e) {
    // A command's own exit status. One that has already said why throws it without a message
    // (CLI11's default text); one that has not carries its sentence.
    if (std::string_view(e.what()) != CLI::RuntimeError(e.get_exit_code()).what())
      flowlens::daemon::log_fatal(e.what());
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    // --help and --version print to stdout and exit 0; every usage mistake exits 2, as
    // check-config documents.
    if (e.get_exit_code() == 0) return app.exit(e);
    flowlens::daemon::log_fatal(command_prefix(app) + e.what() + " (see --help)");
    return kUsageExitStatus;
  } catch (const std::exception& e) {
    // Commands report their own errors; this is the last line of defence, one line, no trace.
    flowlens::daemon::log_fatal(command_prefix(app) + e.what());
    return 1;
  }
  return 0;
}
