// SPDX-License-Identifier: BSD-2-Clause
#include "host_log.h"

#include <string>

namespace flowlens::http {

LogFn host_logger(sdk::Host host) {
  return [host](LogLevel level, std::string_view message) {
    const std::string text(message);
    switch (level) {
      case LogLevel::kDebug:
        return host.debug(text);
      case LogLevel::kInfo:
        return host.info(text);
      case LogLevel::kWarn:
        return host.warn(text);
      case LogLevel::kError:
        return host.error(text);
    }
  };
}

}  // namespace flowlens::http
