// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/run_config.h"

#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "config/loaders.h"

namespace flowlens::daemon {

config::Config load_run_config(const RunOptions& opts) {
  config::Config cfg;
  if (!opts.config_file.empty()) {
    cfg = config::load_config_file(opts.config_file);
  } else {
    std::filesystem::path dir = opts.conf_dir.empty()
                                    ? std::filesystem::path(config::kDefaultConfDir)
                                    : std::filesystem::path(opts.conf_dir);
    if (opts.conf_dir.empty() && !std::filesystem::exists(dir)) {
      // A first `flowlensd run --server ...` on a host without a package install is normal.
      cfg.warnings.push_back(dir.string() + " does not exist: running with built-in defaults");
    } else {
      cfg = config::load_conf_dir(dir);
    }
  }
  auto& core = cfg.core;
  if (opts.interface) core.interface = *opts.interface;
  if (opts.plugin_dir) core.plugin_dir = *opts.plugin_dir;
  if (opts.pin_dir) core.pin_dir = *opts.pin_dir;
  if (opts.log_level) core.log_level = *opts.log_level;
  if (opts.map_size) {
    if (*opts.map_size == 0 || *opts.map_size > config::kMaxEbpfMapSize)
      throw std::invalid_argument("--map-size: expected 1.." +
                                  std::to_string(config::kMaxEbpfMapSize));
    core.ebpf_map_size = *opts.map_size;
  }
  if (opts.interval_seconds) {
    auto ms = std::chrono::milliseconds(std::llround(*opts.interval_seconds * 1000));
    if (ms < config::kMinInterval || ms > config::kMaxInterval)
      throw std::invalid_argument("--interval: expected 0.1 to 86400 seconds");
    core.metrics_interval = ms;
  }
  return cfg;
}

}  // namespace flowlens::daemon
