/* SPDX-License-Identifier: BSD-2-Clause */
#pragma once

#include <CLI/CLI.hpp>

namespace flowlens::daemon {

// Adds `run`: attach to the interface and publish estimates until SIGINT/SIGTERM.
void register_run_command(CLI::App& app);

}  // namespace flowlens::daemon
