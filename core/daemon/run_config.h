// The configuration `run` works with: conf.d/ or --config, then the command line's overrides.
#pragma once

#include "config/config.h"
#include "daemon/run_options.h"
#include "estimator/estimator_config.h"

namespace flowlens::daemon {

// Throws config::ConfigError (file:line:col messages) or std::invalid_argument (a bad flag).
config::Config load_run_config(const RunOptions& opts);

// An `estimator:` section applied over the defaults. Throws std::invalid_argument naming the key.
estimator::EstimatorConfig parse_estimator_section(const boost::json::object& section);

// The same for a loaded config; errors are ConfigErrors prefixed with the section's position.
estimator::EstimatorConfig estimator_config(const config::Config& cfg);

}  // namespace flowlens::daemon
