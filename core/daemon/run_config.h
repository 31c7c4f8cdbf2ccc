/* SPDX-License-Identifier: BSD-2-Clause */
// The configuration `run` works with: conf.d/ or --config, then the command line's overrides.
#pragma once

#include "config/config.h"
#include "daemon/run_options.h"

namespace flowlens::daemon {

// Throws config::ConfigError (file:line:col messages) or std::invalid_argument (a bad flag).
config::Config load_run_config(const RunOptions& opts);

}  // namespace flowlens::daemon
