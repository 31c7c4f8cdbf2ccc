/* SPDX-License-Identifier: BSD-2-Clause */
// Small text helpers shared by the formats: times, lengths as chat services count them, escaping.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace flowlens::webhook {

// "2026-12-07T05:01:02.345Z".
std::string rfc3339(int64_t unix_ms);
// "5m", "1h30m", "45s": a short human duration.
std::string short_duration(int64_t ms);
// Length in UTF-16 code units: what Discord and Slack limits count (JavaScript string length).
size_t utf16_length(std::string_view utf8);
// The longest prefix of `utf8` within `max_units` UTF-16 units, cut at a character boundary,
// ending in "…" when something was cut.
std::string truncate_utf16(std::string_view utf8, size_t max_units);
// Discord markdown: backslash before characters that format, quote or mention.
std::string escape_discord(std::string_view text);
// Slack mrkdwn: &, < and > as entities (the only escaping Slack defines).
std::string escape_slack(std::string_view text);

}  // namespace flowlens::webhook
