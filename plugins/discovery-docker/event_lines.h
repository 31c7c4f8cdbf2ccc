/* SPDX-License-Identifier: BSD-2-Clause */
// The framing of the /events stream: one JSON object per line ("\n" or "\r\n"), with empty lines
// between them, arriving in pieces that may cut a line anywhere.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

namespace flowlens::discovery_docker {

// Calls `on_line` for every complete, non-empty line at the start of `received`, without its line
// end, and returns how many bytes those lines took; the rest is a line still arriving.
size_t take_event_lines(std::string_view received,
                        const std::function<void(std::string_view)>& on_line);

}  // namespace flowlens::discovery_docker
