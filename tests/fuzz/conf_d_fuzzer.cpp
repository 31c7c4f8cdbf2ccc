// SPDX-License-Identifier: BSD-2-Clause
// One conf.d/ file as an operator could write it: YAML text -> tree -> merged over the shipped
// defaults' shape -> Config -> the estimator section applied. Either a Config the daemon can use
// or a ConfigError whose every message points at FILE:LINE:COL; never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config_schema.h"
#include "config/estimator_section.h"
#include "config_checks.h"

namespace {
constexpr std::string_view kFile = "conf.d/50-fuzz.yaml";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flowlens;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    config::ConfigNode doc = config::parse_yaml(text, std::string(kFile));
    if (!doc.is_map() && !doc.is_null()) return 0;  // load_conf_files refuses it, naming the file
    // A later file merges over an earlier one, as load_conf_files does; merging the document
    // over itself walks every path of the merge (maps into maps, scalars over maps).
    config::ConfigNode merged;
    config::merge_into(merged, doc);
    config::merge_into(merged, std::move(doc));
    config::Config cfg = config::config_from_tree(merged);
    fuzz::check_accepted(cfg);
    (void)config::estimator_config_from(cfg);
  } catch (const config::ConfigError& e) {
    fuzz::check_error_places(e, kFile);
  }
  return 0;
}
