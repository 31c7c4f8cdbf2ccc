/* SPDX-License-Identifier: BSD-2-Clause */
// EstimatorConfig by name: the keys an operator writes in the config file or passes to
// `replay --estimator-option KEY=VALUE`, with their defaults and one-line meaning.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "estimator/estimator_config.h"

namespace flowlens::estimator {

struct ConfigKey {
  std::string_view name;     // e.g. "client_silence_seconds"
  std::string_view meaning;  // one line for --help and the README
  double (*get)(const EstimatorConfig&);
  void (*set)(EstimatorConfig&, double);
  bool integer;  // must be a whole non-negative number
};

std::span<const ConfigKey> config_keys();

// Sets `name` to `value`; throws std::invalid_argument naming the key (and the known keys) when
// the name is unknown or the value out of range.
void set_config_value(EstimatorConfig& cfg, std::string_view name, double value);

// Parses "KEY=VALUE" and applies it as set_config_value does.
void apply_config_override(EstimatorConfig& cfg, std::string_view assignment);

}  // namespace flowlens::estimator
