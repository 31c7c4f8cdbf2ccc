// SPDX-License-Identifier: BSD-2-Clause
// 401s rate-limited per client address: the counting on its own (a table over a fake clock), then
// the server over loopback (IPv4 and IPv6 clients are two addresses), and the bearer compare's
// time not depending on where a wrong key differs.
#include "auth_failures.h"
#include "bearer_auth.h"
#include "server.h"
#include "test_client.h"

#include <boost/beast/http/field.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "free_port.h"
#include "test_host.h"

namespace flowlens::http {
namespace {

using namespace std::chrono_literals;
namespace bhttp = boost::beast::http;
using Clock = AuthFailures::Clock;

const auto kV4 = boost::asio::ip::make_address("192.0.2.5");
const auto kV4Mapped = boost::asio::ip::make_address("::ffff:192.0.2.5");
const auto kOther = boost::asio::ip::make_address("2001:db8::7");

TEST(AuthFailures, TheNthFailureWithinTheWindowBlocksForAWindowAndSaysSoOnce) {
  AuthFailures f(3, 60s);
  const Clock::time_point t0{};
  EXPECT_FALSE(f.failed(kV4, t0));
  EXPECT_FALSE(f.failed(kV4, t0 + 1s));
  EXPECT_FALSE(f.blocked(kV4, t0 + 1s));
  EXPECT_TRUE(f.failed(kV4Mapped, t0 + 2s)) << "the IPv4-mapped form is the same client";
  EXPECT_FALSE(f.failed(kV4, t0 + 2s)) << "one log line per block, not one per request";
  EXPECT_EQ(f.blocked(kV4, t0 + 2s), 60s);
  EXPECT_EQ(f.blocked(kV4, t0 + 61s + 500ms), 1s) << "Retry-After rounds up";
  EXPECT_FALSE(f.blocked(kOther, t0 + 2s)) << "another address is not affected";
  EXPECT_FALSE(f.blocked(kV4, t0 + 62s)) << "served its time";
  EXPECT_FALSE(f.failed(kV4, t0 + 63s)) << "a fresh window after the block";
}

TEST(AuthFailures, FailuresSpreadWiderThanTheWindowNeverBlock) {
  AuthFailures f(3, 10s);
  Clock::time_point t{};
  for (int i = 0; i < 20; ++i, t += 6s) {
    EXPECT_FALSE(f.failed(kV4, t)) << i;
    EXPECT_FALSE(f.blocked(kV4, t)) << i;
  }
}

TEST(AuthFailures, MemoryStaysBoundedUnderManyAddresses) {
  AuthFailures f(2, 60s);
  const Clock::time_point t0{};
  for (std::size_t i = 0; i < kMaxTrackedAddresses + 100; ++i) {
    boost::asio::ip::address_v6::bytes_type b{0x20, 0x01, 0x0d, 0xb8};
    b[12] = static_cast<unsigned char>(i >> 24);
    b[13] = static_cast<unsigned char>(i >> 16);
    b[14] = static_cast<unsigned char>(i >> 8);
    b[15] = static_cast<unsigned char>(i);
    f.failed(boost::asio::ip::make_address_v6(b), t0 + std::chrono::milliseconds(i));
  }
  EXPECT_EQ(f.tracked(), kMaxTrackedAddresses);
}

// 401 unless "Authorization: Bearer right".
Response guarded(const Request& request) {
  const auto it = request.find(bhttp::field::authorization);
  const bool ok = it != request.end() && bearer_matches(it->value(), "right");
  Response res{ok ? bhttp::status::ok : bhttp::status::unauthorized, request.version()};
  res.body() = SharedText::of(ok ? "yes" : "no");
  res.content_length(res.body().text.size());
  return res;
}

TEST(AuthFailures, TheServerAnswers429WithRetryAfterToTheGuessingAddressOnly) {
  ServerOptions o;
  o.name = "test-server";
  o.listen.push_back(parse_listen_address(":" + flowlens::testing::free_port_text()));
  o.limits.max_auth_failures = 5;
  o.limits.auth_failure_window = 2s;
  std::mutex mutex;
  std::vector<std::string> warnings;
  Server server(flowlens::testing::test_host(), o, guarded,
                [&](LogLevel level, std::string_view line) {
                  std::lock_guard lock(mutex);
                  if (level == LogLevel::kWarn) warnings.emplace_back(line);
                });
  server.start();
  const unsigned short port = server.local_endpoints().at(0).port();

  std::vector<int> statuses;
  for (int i = 0; i < 8; ++i) {
    const auto reply = testing::get("127.0.0.1", port, "/", "wrong-" + std::to_string(i));
    ASSERT_TRUE(reply) << i;
    statuses.push_back(reply->status);
    if (reply->status == 429) {
      EXPECT_EQ(reply->header("retry-after"), "2");
    }
  }
  EXPECT_EQ(statuses, (std::vector<int>{401, 401, 401, 401, 401, 429, 429, 429}));
  const auto right_key = testing::get("127.0.0.1", port, "/", "right");
  ASSERT_TRUE(right_key);
  EXPECT_EQ(right_key->status, 429) << "while blocked, even the right key waits";
  const auto other = testing::get("::1", port, "/", "right");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200) << "another client address is not blocked";
  {
    std::lock_guard lock(mutex);
    ASSERT_EQ(warnings.size(), 1u) << "logged once per address per window";
    EXPECT_EQ(warnings[0],
              "test-server: 5 failed authentications from 127.0.0.1 within 2 s: answering 429 to "
              "it for 2 s");
  }
  std::this_thread::sleep_for(2100ms);
  const auto after = testing::get("127.0.0.1", port, "/", "right");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200) << "the block ends after the window";
  server.stop();
}

// Fastest ns per compare of `a` and of `b` with `expected` over many short alternating rounds:
// on a shared machine preemption only ever adds time, so the minimum is the compare's own cost.
template <class Compare>
std::pair<double, double> fastest_ns(Compare compare, const std::string& a, const std::string& b,
                                     const std::string& expected) {
  constexpr int kRounds = 301, kReps = 20;
  std::vector<double> ns[2];
  volatile bool sink = false;
  for (int r = 0; r < 2 * kRounds; ++r) {
    const std::string& given = r % 2 == 0 ? a : b;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < kReps; ++i) sink = compare(given, expected);
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - t0;
    ns[r % 2].push_back(took.count() / kReps);
  }
  (void)sink;
  return {*std::min_element(ns[0].begin(), ns[0].end()),
          *std::min_element(ns[1].begin(), ns[1].end())};
}

TEST(Bearer, TheCompareTakesAsLongWhereverAWrongKeyDiffers) {
  // A long key makes an early exit (memcmp) stand out far above the clock's noise.
  const std::string key(4096, 'k');
  std::string first = key, last = key;
  first.front() = 'x';
  last.back() = 'x';
  const auto ours = [](const std::string& g, const std::string& e) {
    return constant_time_equal(g, e);
  };
  // What a plain compare does: stop at the first difference. A loop rather than memcmp, so a
  // sanitizer's memcmp interceptor (which reads both buffers whole) cannot hide the early exit.
  const auto naive = [](const std::string& g, const std::string& e) {
    if (g.size() != e.size()) return false;
    for (std::size_t i = 0; i < e.size(); ++i)
      if (g[i] != e[i]) return false;
    return true;
  };
  const auto [naive_first, naive_last] = fastest_ns(naive, first, last, key);
  const auto [ours_first, ours_last] = fastest_ns(ours, first, last, key);
  std::printf(
      "4 KiB key, fastest ns per compare: early exit first byte %.0f, last byte %.0f; "
      "constant_time_equal first %.0f, last %.0f\n",
      naive_first, naive_last, ours_first, ours_last);
  // The measurement can see a leak: the naive compare's times differ by far more than 2x.
  ASSERT_GT(naive_last, 4 * naive_first) << "the measurement cannot tell an early exit apart";
  EXPECT_LT(std::max(ours_first, ours_last) / std::min(ours_first, ours_last), 1.5);
}

}  // namespace
}  // namespace flowlens::http
