// SPDX-License-Identifier: BSD-2-Clause
#include "model/tick_line.h"

#include <fmt/format.h>

#include <iterator>
#include <string_view>

namespace flowlens::model {

namespace {

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  out += '"';
}

// 1700000042.5, 1001.0: plain decimals, never the exponent form JSON libraries pick for doubles.
void append_seconds(std::string& out, int64_t ms) {
  const int64_t whole = ms / 1000;
  int64_t frac = ms % 1000;
  if (frac < 0) frac = -frac;
  std::string digits = fmt::format("{:03d}", frac);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  fmt::format_to(std::back_inserter(out), "{}{}.{}", ms < 0 && whole == 0 ? "-" : "", whole,
                 digits);
}

}  // namespace

void append_tick_line(std::string& out, const Snapshot& snapshot) {
  out += "{\"t\": ";
  append_seconds(out, snapshot.timestamp_unix_ms);
  out += ", \"servers\": [";
  for (size_t i = 0; i < snapshot.servers.size(); ++i) {
    const ServerEstimate& e = snapshot.servers[i];
    out += i ? ", {\"server_id\": " : "{\"server_id\": ";
    append_json_string(out, e.server_id);
    if (e.known) {
      fmt::format_to(std::back_inserter(out), ", \"active_players\": {}", e.active_players);
    } else {
      out += ", \"active_players\": null";
    }
    fmt::format_to(std::back_inserter(out),
                   ", \"unique_ips\": {}, \"total_bytes\": {}, \"known\": {}", e.unique_ips.size(),
                   e.total_bytes, e.known ? "true" : "false");
    if (!e.known) {
      out += ", \"unknown_reason\": ";
      append_json_string(out, e.unknown_reason);
    }
    out += '}';
  }
  out += "]}\n";
}

}  // namespace flowlens::model
