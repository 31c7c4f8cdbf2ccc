// SPDX-License-Identifier: BSD-2-Clause
#include "bearer_auth.h"

#include <cstddef>

namespace flowlens::http {

bool constant_time_equal(std::string_view given, std::string_view expected) {
  // Any length difference already fails; the loop still runs over all of `expected`.
  unsigned diff = given.size() == expected.size() ? 0u : 1u;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= g ^ static_cast<unsigned char>(expected[i]);
  }
  return diff == 0;
}

bool bearer_matches(std::string_view authorization, std::string_view expected) {
  static constexpr std::string_view kScheme = "bearer";
  if (expected.empty() || authorization.size() <= kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kScheme[i]) return false;
  }
  std::string_view token = authorization.substr(kScheme.size());
  if (token.front() != ' ' && token.front() != '\t') return false;
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
  return constant_time_equal(token, expected);
}

}  // namespace flowlens::http
