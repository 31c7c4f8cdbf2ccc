// SPDX-License-Identifier: BSD-2-Clause
#include "auth_failures.h"

#include <algorithm>

namespace flowlens::http {
boost::asio::ip::address client_address(const boost::asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  return a;
}

std::optional<std::chrono::seconds> AuthFailures::blocked(const boost::asio::ip::address& address,
                                                          Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(client_address(address));
  if (it == entries_.end() || !it->second.blocked_until) return std::nullopt;
  if (now >= *it->second.blocked_until) {
    entries_.erase(it);  // served its time: a fresh window on its next failure
    return std::nullopt;
  }
  const auto left = std::chrono::ceil<std::chrono::seconds>(*it->second.blocked_until - now);
  return std::max(left, std::chrono::seconds(1));
}

bool AuthFailures::failed(const boost::asio::ip::address& address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const boost::asio::ip::address key = client_address(address);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    make_room(now);
    it = entries_.emplace(key, Entry{now, 0, std::nullopt}).first;
  }
  Entry& e = it->second;
  if (e.blocked_until) return false;  // a request already in flight when the block began
  if (now - e.window_start >= window_) e = Entry{now, 0, std::nullopt};
  if (++e.failures < max_failures_) return false;
  e.blocked_until = now + window_;
  return true;
}

std::size_t AuthFailures::tracked() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void AuthFailures::make_room(Clock::time_point now) {
  if (entries_.size() < kMaxTrackedAddresses) return;
  std::erase_if(entries_, [&](const auto& kv) {
    const Entry& e = kv.second;
    return e.blocked_until ? now >= *e.blocked_until : now - e.window_start >= window_;
  });
  if (entries_.size() < kMaxTrackedAddresses) return;
  // Still full of live entries: forget the one whose window began first.
  const auto oldest = std::min_element(
      entries_.begin(), entries_.end(),
      [](const auto& a, const auto& b) { return a.second.window_start < b.second.window_start; });
  entries_.erase(oldest);
}

}  // namespace flowlens::http
