/* SPDX-License-Identifier: BSD-2-Clause */
// Applies the `estimator:` section to the estimator's own EstimatorConfig, through the
// estimator's key table (core/estimator/config_keys.h), so the keys and their checks have one
// owner while errors still get this file's file:line:column.
#pragma once

#include "config/config.h"
#include "estimator/estimator_config.h"

namespace flowlens::config {

// The estimator defaults with every key of `config.estimator` applied. Throws ConfigError naming
// FILE:LINE:COL: estimator.KEY and what was expected, for every bad key at once.
estimator::EstimatorConfig estimator_config_from(const Config& config);

}  // namespace flowlens::config
