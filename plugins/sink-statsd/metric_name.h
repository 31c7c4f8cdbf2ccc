/* SPDX-License-Identifier: BSD-2-Clause */
// Metric names and tags that StatsD and Graphite read as exactly one name: whatever a server id
// or label contains, it cannot add a segment, a metric, a tag or a line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace flowlens::statsd {

// Graphite keeps one file per name segment; a longer id is cut so the file name stays legal.
inline constexpr std::size_t kMaxSegmentBytes = 200;

// One name segment: [A-Za-z0-9_-] kept, every other byte (`.` `:` `|` `;` `,` `#` `=`, space,
// newline, UTF-8) becomes `_`, cut to kMaxSegmentBytes. Never empty ("_" for "").
std::string sanitize_segment(std::string_view text);

// A tag key or value: as a segment, but `.` is kept (Graphite tag values may hold dots and
// labels such as `com.docker.compose.service` read better with them).
std::string sanitize_tag(std::string_view text);

// A valid prefix is "" or segments of [A-Za-z0-9_-] joined by single dots; the empty string
// means valid, otherwise the reason it is not.
std::string prefix_problem(std::string_view prefix);

}  // namespace flowlens::statsd
