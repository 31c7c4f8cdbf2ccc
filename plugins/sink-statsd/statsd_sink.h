/* SPDX-License-Identifier: BSD-2-Clause */
// The sink without the SDK: one push per snapshot, rendered, packed and sent on the caller's
// thread (the host's delivery thread for this instance) within the configured bounds.
#pragma once

#include "config.h"
#include "lines.h"
#include "log.h"
#include "resolver.h"
#include "sample.h"
#include "transport.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>

namespace flowlens::statsd {

// What one push did, for tests and the benchmark.
struct PushReport {
  std::size_t lines = 0;
  std::size_t datagrams = 0;  // UDP datagrams, or 1 TCP write
  std::size_t bytes = 0;
  std::string error;  // empty when everything went out
};

class StatsdSink {
 public:
  // `host`: the instance's, told if the resolver's thread fails.
  StatsdSink(Config config, LogFn log, sdk::Host host);
  ~StatsdSink();
  StatsdSink(const StatsdSink&) = delete;
  StatsdSink& operator=(const StatsdSink&) = delete;

  void start();
  void stop();
  PushReport push(const Samples& servers);

  const Config& config() const { return config_; }

 private:
  // One warning per kind of failure, a reminder while it lasts, a line when it heals.
  void note_failure(const std::string& error);
  void note_success(const SocketAddress& to);

  static constexpr std::chrono::minutes kFailureReminder{1};

  const Config config_;
  const LogFn log_;
  LineRenderer renderer_;
  Resolver resolver_;
  UdpSender udp_;
  TcpSender tcp_;
  std::set<std::string> clashes_logged_;
  std::string failing_with_;  // the last error logged; empty while sending works
  uint64_t failed_pushes_ = 0;
  std::chrono::steady_clock::time_point failure_logged_at_;
};

}  // namespace flowlens::statsd
