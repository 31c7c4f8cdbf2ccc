// SPDX-License-Identifier: BSD-2-Clause
#include "config/config_error.h"

namespace flowlens::config {

namespace {

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    if (!out.empty()) out += '\n';
    out += l;
  }
  return out;
}

}  // namespace

std::string SourcePos::to_string() const {
  std::string out = file ? *file : std::string("<config>");
  if (line > 0) {
    // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict) on "literal" + std::string&&.
    out += ':';
    out += std::to_string(line);
    out += ':';
    out += std::to_string(column);
  }
  return out;
}

ConfigError::ConfigError(std::vector<std::string> messages)
    : std::runtime_error(join_lines(messages)), messages_(std::move(messages)) {}

ConfigError::ConfigError(std::string message)
    : std::runtime_error(message), messages_{std::move(message)} {}

void Diagnostics::error(const SourcePos& pos, const std::string& key_path,
                        const std::string& what) {
  std::string m = pos.to_string() + ": ";
  if (!key_path.empty()) m += key_path + ": ";
  messages_.push_back(m + what);
}

void Diagnostics::throw_if_any() {
  if (!messages_.empty()) throw ConfigError(std::move(messages_));
}

}  // namespace flowlens::config
