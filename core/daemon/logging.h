// Process-wide logging: spdlog to stderr (journald adds its own timestamps under systemd).
#pragma once

#include <string>

namespace flowlens::daemon {

// Sets the level from its name (trace, debug, info, warn, error, off); throws std::invalid_argument
// naming the accepted values on anything else.
void setup_logging(const std::string& level);

}  // namespace flowlens::daemon
