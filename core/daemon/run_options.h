/* SPDX-License-Identifier: BSD-2-Clause */
// What `flowlensd run` was asked on its command line; the config files fill in the rest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/server.h"

namespace flowlens::daemon {

struct RunOptions {
  std::string conf_dir;                // empty: config::kDefaultConfDir
  std::string config_file;             // --config: a conf.d-style file or the original config.yaml
  std::vector<model::Server> servers;  // --server: a discovery source of its own, named "cli"
  bool jsonl = false;                  // print every tick's snapshot on stdout (replay format)
  // Overrides of the config's core section; unset keeps the config's value.
  std::optional<std::string> interface;
  std::optional<std::string> plugin_dir;
  std::optional<std::string> pin_dir;
  std::optional<std::string> log_level;
  std::optional<uint32_t> map_size;
  std::optional<double> interval_seconds;
};

}  // namespace flowlens::daemon
