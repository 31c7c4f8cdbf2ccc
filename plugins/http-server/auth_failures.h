/* SPDX-License-Identifier: BSD-2-Clause */
// Failed authentications (401 answers) counted per client address: an address that fails
// max_failures times within `window` gets 429 with Retry-After for the next `window`, so a key
// cannot be guessed at request rate. Bounded memory; thread-safe (every server thread shares it).
#pragma once

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>

namespace flowlens::http {

// Addresses tracked at once. Past it, entries whose window ended go first, then the oldest:
// a flood of spoofed-looking sources costs bounded memory, never a lock-out of everyone.
inline constexpr std::size_t kMaxTrackedAddresses = 4096;

// IPv4-mapped IPv6 (a dual-stack listener's IPv4 client) as plain IPv4: one client, one entry,
// and the form an operator greps the log for.
boost::asio::ip::address client_address(const boost::asio::ip::address& address);

class AuthFailures {
 public:
  using Clock = std::chrono::steady_clock;

  AuthFailures(std::size_t max_failures, std::chrono::milliseconds window)
      : max_failures_(max_failures), window_(window) {}

  // While `address` is blocked: how long until it may try again (at least 1 s, as Retry-After
  // counts whole seconds). nullopt: it may send requests.
  std::optional<std::chrono::seconds> blocked(const boost::asio::ip::address& address,
                                              Clock::time_point now);

  // Counts one 401 for `address`. True exactly once per block: when this failure starts it (the
  // moment to log, so a flood of 401s is one line per address per window).
  bool failed(const boost::asio::ip::address& address, Clock::time_point now);

  std::size_t tracked() const;

 private:
  struct Entry {
    Clock::time_point window_start;
    std::size_t failures = 0;
    std::optional<Clock::time_point> blocked_until;
  };
  void make_room(Clock::time_point now);

  const std::size_t max_failures_;
  const std::chrono::milliseconds window_;
  mutable std::mutex mutex_;
  // IPv4-mapped IPv6 addresses are stored as IPv4, so a dual-stack listener counts one client once.
  std::map<boost::asio::ip::address, Entry> entries_;
};

}  // namespace flowlens::http
