// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <stdexcept>

namespace flowlens::daemon {

void setup_logging(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  // from_str maps unknown names to "off": refuse them instead of silencing the daemon.
  if (parsed == spdlog::level::off && level != "off")
    throw std::invalid_argument("log level '" + level +
                                "': expected one of trace, debug, info, warn, error, off");
  auto logger = spdlog::get("flowlens");
  if (!logger) logger = spdlog::stderr_color_mt("flowlens");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_level(parsed);
}

void log_fatal(const std::string& message) {
  if (spdlog::should_log(spdlog::level::err)) {
    spdlog::error("{}", message);
  } else {
    std::cerr << "flowlensd: error: " << message << std::endl;
  }
}

}  // namespace flowlens::daemon
