// SPDX-License-Identifier: BSD-2-Clause
#include "event_lines.h"

namespace flowlens::discovery_docker {

size_t take_event_lines(std::string_view received,
                        const std::function<void(std::string_view)>& on_line) {
  size_t start = 0;
  for (size_t nl; (nl = received.find('\n', start)) != std::string_view::npos; start = nl + 1) {
    std::string_view line = received.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) on_line(line);
  }
  return start;
}

}  // namespace flowlens::discovery_docker
