/* SPDX-License-Identifier: BSD-2-Clause */
// HMAC-SHA256 signing of JSON deliveries, so a receiver can tell a message is ours and fresh.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace flowlens::webhook {

inline constexpr const char* kTimestampHeader = "X-FlowLens-Timestamp";
inline constexpr const char* kSignatureHeader = "X-FlowLens-Signature";

// Lower-case hex HMAC-SHA256 of `data` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// The signature header's value for `body` sent at `unix_seconds`:
// "v1=" + hex HMAC-SHA256(key, "<unix_seconds>.<body>"). The timestamp goes in its own header;
// a receiver recomputes the HMAC and rejects old timestamps (replays).
std::string signature_header(std::string_view key, int64_t unix_seconds, std::string_view body);

}  // namespace flowlens::webhook
