// SPDX-License-Identifier: BSD-2-Clause
#include "text.h"

#include <cstdio>
#include <ctime>

namespace flowlens::webhook {

std::string rfc3339(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[96];  // room for any int the compiler cannot bound
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return buf;
}

std::string short_duration(int64_t ms) {
  int64_t s = ms / 1000;
  if (s < 60) return std::to_string(s) + "s";
  const int64_t h = s / 3600;
  const int64_t m = (s % 3600) / 60;
  if (h == 0) return std::to_string(m) + "m";
  return std::to_string(h) + "h" + (m ? std::to_string(m) + "m" : "");
}

namespace {

// Bytes in the UTF-8 sequence that starts with `lead` (1 for a stray continuation byte).
size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

}  // namespace

size_t utf16_length(std::string_view utf8) {
  size_t units = 0;
  for (size_t i = 0; i < utf8.size();) {
    const size_t n = sequence_length(static_cast<unsigned char>(utf8[i]));
    units += n == 4 ? 2 : 1;  // outside the BMP: a surrogate pair
    i += n;
  }
  return units;
}

std::string truncate_utf16(std::string_view utf8, size_t max_units) {
  if (utf16_length(utf8) <= max_units) return std::string(utf8);
  static constexpr std::string_view kEllipsis = "…";  // one UTF-16 unit
  if (max_units == 0) return {};
  size_t units = 0;
  size_t i = 0;
  while (i < utf8.size()) {
    const size_t n = sequence_length(static_cast<unsigned char>(utf8[i]));
    const size_t u = n == 4 ? 2 : 1;
    if (units + u > max_units - 1 || i + n > utf8.size()) break;
    units += u;
    i += n;
  }
  return std::string(utf8.substr(0, i)) + std::string(kEllipsis);
}

std::string escape_discord(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\':
      case '*':
      case '_':
      case '~':
      case '`':
      case '|':
      case '>':
      case '<':
      case '@':
      case '#':
      case '[':
      case ']':
        out += '\\';
        break;
      case '\n':
      case '\r':
        out += ' ';
        continue;
      default:
        break;
    }
    out += c;
  }
  return out;
}

std::string escape_slack(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace flowlens::webhook
