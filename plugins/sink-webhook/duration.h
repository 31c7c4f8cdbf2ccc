// Durations in the config: a number of seconds (0.5) or a string with units ("250ms", "30s",
// "5m", "1h30m"), as the core's own keys take them.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace flowlens::webhook {

// The duration `text` means, or unset when it is not one ("", "5 minutes", "-1s").
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace flowlens::webhook
