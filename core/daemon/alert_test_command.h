/* SPDX-License-Identifier: BSD-2-Clause */
// `flowlensd alert-test`: sends one test message through every configured sink that can send one
// (sink-webhook's webhooks, ...) and prints what each destination answered, so an operator sees a
// wrong URL or token before the first real alert is lost. Exit codes: 0 every destination
// accepted, 1 one did not (or an instance failed to start), 2 usage.
#pragma once

#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace flowlens::daemon {

inline constexpr int kAlertTestOk = 0;
inline constexpr int kAlertTestFailed = 1;
inline constexpr int kAlertTestUsage = 2;

struct AlertTestOptions {
  std::string conf_dir;     // empty: config::kDefaultConfDir
  std::string config_file;  // one file instead of conf_dir
  std::string plugin_dir;   // empty: core.plugin_dir of the config
  std::string instance;     // empty: every instance that has a test message
};

int run_alert_test(const AlertTestOptions& options, std::ostream& out, std::ostream& err);

void register_alert_test_command(CLI::App& app);

}  // namespace flowlens::daemon
