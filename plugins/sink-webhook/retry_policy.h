/* SPDX-License-Identifier: BSD-2-Clause */
// What to do after one delivery attempt: pure, so every answer a receiver can give is tested.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace flowlens::webhook {

using Millis = std::chrono::milliseconds;

// First retry waits about this long; each further one doubles it (with jitter).
inline constexpr Millis kBackoffBase{1000};
// No wait, backoff or Retry-After, is longer than this: a receiver asking for an hour is not
// obeyed blindly, the message is retried (or dropped after max_attempts) instead.
inline constexpr Millis kBackoffMax{5 * 60 * 1000};

struct AttemptResult {
  // HTTP status, 0 when there was no answer (timeout, connection refused, TLS failure).
  long status = 0;
  // Transport error in words (curl's), "" when an answer came.
  std::string transport_error;
  // The Retry-After header as received, "" when absent.
  std::string retry_after_header;
  // Beginning of the response body (Discord puts retry_after there).
  std::string body;
};

enum class Action {
  kDone,     // delivered
  kRetry,    // wait `wait`, then try again (if attempts remain)
  kDrop,     // this message cannot succeed (400, 413...): drop it, keep the webhook
  kDisable,  // 401, 403, 404, 410: the webhook is gone or forbidden; stop using it
};

struct Decision {
  Action action = Action::kDone;
  Millis wait{0};
};

// `attempt` counts from 1. `jitter` picks the random part of the backoff (full jitter:
// uniform between half and all of the exponential step).
Decision decide(const AttemptResult& result, int attempt, std::mt19937_64& jitter);

// Seconds in a Retry-After header (delta-seconds, or an HTTP date relative to `now_unix_s`).
std::optional<Millis> parse_retry_after_header(std::string_view value, int64_t now_unix_s);
// Discord's JSON body {"retry_after": 1.234, ...}, seconds as a float.
std::optional<Millis> parse_discord_retry_after(std::string_view body);

}  // namespace flowlens::webhook
