/* SPDX-License-Identifier: BSD-2-Clause */
// Turns the configured host into a socket address, off the delivery thread: a name is looked up
// on the resolver's own thread (getaddrinfo can wait seconds on a dead DNS server), again every
// resolve_interval and soon after a send error, so the sink follows a StatsD that moved. A
// numeric address needs no thread and is ready at start.
#pragma once

#include "address.h"
#include "log.h"

#include <flowlens/sdk/host.hpp>
#include <flowlens/sdk/thread.hpp>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

namespace flowlens::statsd {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string text;  // "127.0.0.1:8125", "[::1]:8125" for logs

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
  bool operator==(const SocketAddress& o) const { return text == o.text; }
};

class Resolver {
 public:
  // socket_type: SOCK_DGRAM or SOCK_STREAM. `host` is told if the lookup thread fails.
  Resolver(Address address, int socket_type, std::chrono::milliseconds interval, LogFn log,
           sdk::Host host);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // A numeric host is resolved here; a name starts the thread and waits at most
  // kFirstLookupWait for its first answer (pushes before then are skipped, not delayed).
  void start();
  // Joins the thread; a lookup in progress is waited for (bounded by the system's resolver
  // timeouts, /etc/resolv.conf).
  void stop();

  // The latest address, or nothing before the first successful lookup. Never blocks on DNS.
  std::optional<SocketAddress> current() const;
  // Asks for a lookup after a send error; at most one per kMinRefreshGap.
  void refresh_soon();

  bool numeric() const { return numeric_.has_value(); }

 private:
  // How long start() may hold the daemon's start-up for a name: enough for a healthy DNS server,
  // and a slow one costs a few skipped pushes rather than a slow start.
  static constexpr std::chrono::milliseconds kFirstLookupWait{1'000};
  // A StatsD that refuses every push must not become one DNS query per push.
  static constexpr std::chrono::milliseconds kMinRefreshGap{1'000};

  void run();
  // One getaddrinfo; nullopt and `error` set on failure.
  std::optional<SocketAddress> lookup(bool numeric_only, std::string& error) const;

  const Address address_;
  const int socket_type_;
  const std::chrono::milliseconds interval_;
  const LogFn log_;
  const sdk::Host host_;
  std::optional<SocketAddress> numeric_;

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  std::optional<SocketAddress> current_;
  bool refresh_ = false;
  bool stopping_ = false;
  bool looked_up_once_ = false;
  sdk::Thread thread_;
};

}  // namespace flowlens::statsd
