/* SPDX-License-Identifier: BSD-2-Clause */
// Process-wide logging: spdlog to stderr (journald adds its own timestamps under systemd).
#pragma once

#include <string>

namespace flowlens::daemon {

// Sets the level from its name (trace, debug, info, warn, error, off); throws std::invalid_argument
// naming the accepted values on anything else.
void setup_logging(const std::string& level);

// Logs an error that ends the daemon. It reaches stderr whatever the level: under `critical` or
// `off` a start that fails must still say why, not just exit 1.
void log_fatal(const std::string& message);

}  // namespace flowlens::daemon
