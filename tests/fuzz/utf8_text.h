/* SPDX-License-Identifier: BSD-2-Clause */
// Text as the sinks get it: server ids, names and labels come through JSON (Docker, the panel) or
// YAML, so they are valid UTF-8 with any code point, control characters and quotes included.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace flowlens::fuzz {

// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
inline bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b >> 6) != 0x2) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

// A string of up to `max` bytes from the input; invalid UTF-8 is replaced by what JSON would
// have let through (its ASCII bytes).
inline std::string text(FuzzedDataProvider& in, size_t max) {
  std::string s = in.ConsumeRandomLengthString(max);
  if (valid_utf8(s)) return s;
  std::string ascii;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x80) ascii += c;
  return ascii;
}

}  // namespace flowlens::fuzz
