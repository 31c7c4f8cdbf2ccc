// SPDX-License-Identifier: BSD-2-Clause
// The original FlowLens config.yaml, which `--config FILE` takes unchanged: YAML text -> format
// detection -> the mapping onto core and plugin instances. Either a Config the daemon can use or a
// ConfigError whose every message points at FILE:LINE:COL; never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/original_config.h"
#include "config_checks.h"

namespace {
constexpr std::string_view kFile = "/etc/flowlens/config.yaml";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flowlens;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    config::ConfigNode root = config::parse_yaml(text, std::string(kFile));
    // load_config_file hands a conf.d-style file to the other loader (the conf_d fuzzer's).
    if (!config::original::looks_original(root)) return 0;
    config::Config cfg = config::original::map_original(root);
    fuzz::check_accepted(cfg);
    for (const auto& p : cfg.plugins)
      if (p.config_json.empty() || p.config_json.front() != '{')
        fuzz::fail("a mapped plugin section that is not a JSON object: " + p.config_json);
  } catch (const config::ConfigError& e) {
    fuzz::check_error_places(e, kFile);
  }
  return 0;
}
