#include "duration.h"

#include <cctype>
#include <charconv>
#include <cstdint>

namespace flowlens::webhook {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  // Bounded well below int64 milliseconds so that sums of durations cannot overflow.
  constexpr double kMaxMillis = 366.0 * 24 * 3600 * 1000;
  if (text.empty()) return std::nullopt;
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    double number = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), number);
    if (ec != std::errc() || number < 0) return std::nullopt;
    i = static_cast<size_t>(end - text.data());
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60'000;
    } else if (unit == "h") {
      scale = 3'600'000;
    } else if (unit == "d") {
      scale = 86'400'000;
    } else {
      return std::nullopt;
    }
    total += number * scale;
    if (total > kMaxMillis) return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<int64_t>(total + 0.5));
}

}  // namespace flowlens::webhook
