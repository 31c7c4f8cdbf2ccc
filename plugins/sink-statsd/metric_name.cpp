// SPDX-License-Identifier: BSD-2-Clause
#include "metric_name.h"

#include <algorithm>

namespace flowlens::statsd {
namespace {

bool segment_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::string sanitize(std::string_view text, bool keep_dots) {
  std::string out;
  out.reserve(std::min(text.size(), kMaxSegmentBytes));
  for (char c : text.substr(0, kMaxSegmentBytes)) {
    out.push_back(segment_char(c) || (keep_dots && c == '.') ? c : '_');
  }
  if (out.empty()) out.push_back('_');
  return out;
}

}  // namespace

std::string sanitize_segment(std::string_view text) {
  return sanitize(text, false);
}

std::string sanitize_tag(std::string_view text) {
  return sanitize(text, true);
}

std::string prefix_problem(std::string_view prefix) {
  if (prefix.empty()) return {};
  if (prefix.front() == '.' || prefix.back() == '.') return "must not start or end with '.'";
  char previous = '\0';
  for (char c : prefix) {
    if (c == '.' && previous == '.') return "must not contain an empty segment ('..')";
    if (c != '.' && !segment_char(c)) {
      std::string problem = "may hold only letters, digits, '_', '-' and '.', not '";
      problem.append(1, c).append("'");
      return problem;
    }
    previous = c;
  }
  return {};
}

}  // namespace flowlens::statsd
