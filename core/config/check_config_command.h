/* SPDX-License-Identifier: BSD-2-Clause */
// `flowlensd check-config`: validates the configuration the daemon would run with, including
// each plugin instance's own section (through the plugin's create, which opens nothing), without
// network or BPF and without root. Exit codes: 0 valid, 1 invalid, 2 usage.
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <iosfwd>
#include <string>

#include "config/config.h"

namespace CLI {
class App;
}

namespace flowlens::config {

inline constexpr int kCheckConfigOk = 0;
inline constexpr int kCheckConfigInvalid = 1;
inline constexpr int kCheckConfigUsage = 2;

struct CheckConfigOptions {
  // conf.d/ directory to read; ignored when config_file is set.
  std::string conf_dir = std::string(kDefaultConfDir);
  // A single file: an original config.yaml or one conf.d-style file.
  std::string config_file;
  // Overrides core.plugin_dir (e.g. a build tree's plugins/).
  std::string plugin_dir;
};

// Replaces a built-in validation (tests, or a daemon that wants to check more). Empty = built-in.
struct CheckConfigHooks {
  // Throws std::exception with a message naming the key when the estimator section is wrong.
  // Built-in: estimator_config_from() (estimator_section.h).
  std::function<void(const boost::json::object&)> validate_estimator;
};

// Runs the check, printing errors and warnings to `err` and the "OK: ..." summary to `out`.
// Returns one of the kCheckConfig* exit codes.
int run_check_config(const CheckConfigOptions& options, const CheckConfigHooks& hooks,
                     std::ostream& out, std::ostream& err);

// Adds `check-config [--conf-dir DIR] [--config FILE] [--plugin-dir DIR]` to `app`. A failing
// check throws CLI::RuntimeError carrying the exit code, which the caller's app.exit() returns.
void register_check_config_command(CLI::App& app, CheckConfigHooks hooks = {});

}  // namespace flowlens::config
