// SPDX-License-Identifier: BSD-2-Clause
#include "packer.h"

namespace flowlens::statsd {

std::vector<std::string> pack_lines(const std::vector<std::string>& lines, std::size_t max_bytes) {
  std::vector<std::string> out;
  std::string current;
  for (const std::string& line : lines) {
    if (!current.empty() && current.size() + 1 + line.size() > max_bytes) {
      out.push_back(std::move(current));
      current.clear();
    }
    if (!current.empty()) current += '\n';
    current += line;
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

std::string join_stream(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace flowlens::statsd
