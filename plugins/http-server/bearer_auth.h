/* SPDX-License-Identifier: BSD-2-Clause */
// Bearer-token check ("Authorization: Bearer <token>") for routes that need one.
#pragma once

#include <string_view>

namespace flowlens::http {

// Compares in time that depends only on `expected`'s length, so a client cannot learn the key
// byte by byte from response times.
bool constant_time_equal(std::string_view given, std::string_view expected);

// True when `authorization` is "Bearer <expected>" (scheme case-insensitive, as RFC 9110 says).
bool bearer_matches(std::string_view authorization, std::string_view expected);

}  // namespace flowlens::http
