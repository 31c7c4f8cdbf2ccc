// SPDX-License-Identifier: BSD-2-Clause
// flowlens-check-config: the check-config command on its own, so ctest can run it on the shipped
// files even when flowlensd is not built. Same code path as `flowlensd check-config`.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string_view>

#include "config/check_config_command.h"

int main(int argc, char** argv) {
  CLI::App app{"flowlens-check-config: validate a FlowLens configuration"};
  app.require_subcommand(1);
  flowlens::config::register_check_config_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    // A usage error carries its sentence; a finished check has printed its report.
    if (std::string_view(e.what()) != CLI::RuntimeError(e.get_exit_code()).what())
      std::cerr << e.what() << '\n';
    return e.get_exit_code();
  } catch (const CLI::Error& e) {
    app.exit(e);
    return flowlens::config::kCheckConfigUsage;
  }
  return 0;
}
