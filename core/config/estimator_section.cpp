// SPDX-License-Identifier: BSD-2-Clause
#include "config/estimator_section.h"

#include <boost/json.hpp>

#include <stdexcept>

#include "config/value_reader.h"
#include "estimator/config_keys.h"

namespace flowlens::config {

estimator::EstimatorConfig estimator_config_from(const Config& config) {
  estimator::EstimatorConfig out;
  Diagnostics diag;
  const ConfigNode& section = config.estimator_node;
  for (const auto& e : section.entries()) {
    const std::string path = "estimator." + e.key;
    boost::json::value v = to_json(e.value);
    boost::system::error_code ec;
    double number = v.is_bool() ? 0 : v.to_number<double>(ec);
    if (v.is_bool() || ec) {
      diag.error(e.value.pos(), path, "expected a number, got " + describe(e.value));
      continue;
    }
    try {
      estimator::set_config_value(out, e.key, number);
    } catch (const std::invalid_argument& err) {
      // An unknown key is reported at the key, a bad value at the value.
      const bool unknown = std::string_view(err.what()).starts_with("unknown");
      diag.error(unknown ? e.key_pos : e.value.pos(), path, err.what());
    }
  }
  diag.throw_if_any();
  return out;
}

}  // namespace flowlens::config
