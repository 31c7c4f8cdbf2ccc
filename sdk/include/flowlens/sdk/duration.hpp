// SPDX-License-Identifier: BSD-2-Clause
// Duration text as the original FlowLens config.yaml wrote it (Go's time.Duration syntax): "30s",
// "500ms", "5m", "1h30m", "1.5s". One parser for the core's config and every plugin's.
#pragma once

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace flowlens::sdk {

// Returns nullopt on anything else, including a bare number (the caller decides what a bare
// number means) and values past about 31 years (no interval is that long; it keeps the
// nanosecond count far from overflow).
inline std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  // Units longest first so "ms" is not read as "m" followed by garbage.
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"ns", 1.0}, {"us", 1e3}, {"µs", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  constexpr double kMaxNanoseconds = 1e18;
  if (text.empty()) return std::nullopt;
  if (text == "0") return std::chrono::nanoseconds(0);
  double total = 0;
  while (!text.empty()) {
    const size_t num_end = text.find_first_not_of("0123456789.");
    if (num_end == 0 || num_end == std::string_view::npos) return std::nullopt;
    double value = 0;
    const std::string_view digits = text.substr(0, num_end);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    text.remove_prefix(num_end);
    bool matched = false;
    for (auto [unit, scale] : kUnits) {
      if (text.starts_with(unit)) {
        total += value * scale;
        text.remove_prefix(unit.size());
        matched = true;
        break;
      }
    }
    if (!matched) return std::nullopt;
  }
  if (!(total <= kMaxNanoseconds)) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(total)));
}

}  // namespace flowlens::sdk
