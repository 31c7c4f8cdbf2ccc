// SPDX-License-Identifier: BSD-2-Clause
// What each receiver answer leads to: delivered, retried (after how long), dropped, disabled.
#include "retry_policy.h"

#include <gtest/gtest.h>

#include <set>

namespace flowlens::webhook {
namespace {

AttemptResult answer(long status, std::string header = "", std::string body = "") {
  AttemptResult r;
  r.status = status;
  r.retry_after_header = std::move(header);
  r.body = std::move(body);
  return r;
}

TEST(RetryPolicy, EveryAnswerHasItsAction) {
  std::mt19937_64 rng(1);
  struct Row {
    const char* proves;
    AttemptResult result;
    Action action;
  };
  AttemptResult timeout;
  timeout.transport_error = "Timeout was reached";
  const Row rows[] = {
      {"2xx is delivered", answer(204), Action::kDone},
      {"401 disables", answer(401), Action::kDisable},
      {"403 disables", answer(403), Action::kDisable},
      {"404 disables (Discord: never reuse a deleted webhook)", answer(404), Action::kDisable},
      {"410 disables", answer(410), Action::kDisable},
      {"400 drops the message: the same body fails again", answer(400), Action::kDrop},
      {"413 drops the message", answer(413), Action::kDrop},
      {"500 retries", answer(500), Action::kRetry},
      {"503 retries", answer(503), Action::kRetry},
      {"429 retries", answer(429, "2"), Action::kRetry},
      {"a timeout retries", timeout, Action::kRetry},
  };
  for (const Row& row : rows)
    EXPECT_EQ(decide(row.result, 1, rng).action, row.action) << row.proves;
}

TEST(RetryPolicy, TooManyRequestsWaitsWhatTheReceiverSays) {
  std::mt19937_64 rng(1);
  EXPECT_EQ(decide(answer(429, " 3"), 1, rng).wait, Millis(3000));
  // Discord's body: seconds as a float.
  EXPECT_EQ(
      decide(answer(429, "", R"({"message":"rate limited","retry_after":1.5,"global":false})"), 1,
             rng)
          .wait,
      Millis(1500));
  // An absurd wait is capped.
  EXPECT_EQ(decide(answer(429, "86400"), 1, rng).wait, kBackoffMax);
}

TEST(RetryPolicy, RetryAfterAsAnHttpDate) {
  // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480.
  EXPECT_EQ(parse_retry_after_header("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470), Millis(10'000));
  EXPECT_EQ(parse_retry_after_header("soon", 0), std::nullopt);
}

TEST(RetryPolicy, BackoffGrowsExponentiallyWithJitterAndIsCapped) {
  std::mt19937_64 rng(7);
  for (int attempt = 1; attempt <= 12; ++attempt) {
    const int64_t step =
        std::min<int64_t>(kBackoffBase.count() << (attempt - 1), kBackoffMax.count());
    for (int i = 0; i < 20; ++i) {
      const Millis wait = decide(answer(502), attempt, rng).wait;
      EXPECT_GE(wait.count(), step / 2) << attempt;
      EXPECT_LE(wait.count(), step) << attempt;
    }
  }
  // Jitter: two draws for the same attempt differ (20 equal draws would be a broken RNG).
  std::set<int64_t> seen;
  for (int i = 0; i < 20; ++i) seen.insert(decide(answer(502), 5, rng).wait.count());
  EXPECT_GT(seen.size(), 1u);
}

}  // namespace
}  // namespace flowlens::webhook
