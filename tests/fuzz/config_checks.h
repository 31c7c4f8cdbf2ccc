/* SPDX-License-Identifier: BSD-2-Clause */
// What both config fuzzers assert beyond "no crash": a refused file is refused with messages
// that each point into it (FILE:LINE:COL), and an accepted one holds only values the daemon can
// use. A violation aborts, which libFuzzer reports as a crash with the input saved.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/config_schema.h"
#include "fuzz_check.h"

namespace flowlens::fuzz {

// "FILE:LINE:COL: ..." with LINE >= 1: an operator can open the file at the place.
inline void check_error_places(const config::ConfigError& e, std::string_view file) {
  if (e.messages().empty()) fail("a ConfigError without a message");
  for (const std::string& m : e.messages()) {
    std::string_view rest(m);
    if (!rest.starts_with(file) || rest.size() < file.size() + 2 || rest[file.size()] != ':' ||
        !std::isdigit(static_cast<unsigned char>(rest[file.size() + 1])) ||
        rest[file.size() + 1] == '0')
      fail("an error message without FILE:LINE: " + m);
  }
}

inline void check_accepted(const config::Config& cfg) {
  const config::CoreConfig& core = cfg.core;
  if (core.interface.size() > 15 || core.interface.find_first_of("/ \t:") != std::string::npos)
    fail("accepted interface '" + core.interface + "'");
  if (core.ebpf_map_size < 1 || core.ebpf_map_size > config::kMaxEbpfMapSize)
    fail("accepted ebpf_map_size " + std::to_string(core.ebpf_map_size));
  for (auto interval : {core.metrics_interval, core.discovery_interval})
    if (interval < config::kMinInterval || interval > config::kMaxInterval)
      fail("accepted an interval of " + std::to_string(interval.count()) + " ms");
  if (std::find(std::begin(config::kLogLevels), std::end(config::kLogLevels), core.log_level) ==
      std::end(config::kLogLevels))
    fail("accepted log_level '" + core.log_level + "'");
  for (const auto& p : cfg.plugins) {
    if (!config::is_valid_name(p.name)) fail("accepted instance name '" + p.name + "'");
    if (!config::is_valid_name(p.plugin)) fail("accepted plugin name '" + p.plugin + "'");
  }
}

}  // namespace flowlens::fuzz
