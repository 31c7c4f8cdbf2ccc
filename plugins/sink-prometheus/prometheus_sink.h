/* SPDX-License-Identifier: BSD-2-Clause */
// The sink without the SDK: keeps the latest snapshot's rendered series and answers scrapes of
// /metrics over the shared HTTP server. The plugin entry point and the tests both drive it.
#pragma once

#include "config.h"
#include "message.h"
#include "server.h"

#include <flowlens/sdk/host.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace flowlens::prometheus_sink {

class PrometheusSink {
 public:
  // `host`: the instance's, for the server's log lines and its workers' failures.
  PrometheusSink(Config config, std::string version, sdk::Host host);
  ~PrometheusSink();
  PrometheusSink(const PrometheusSink&) = delete;
  PrometheusSink& operator=(const PrometheusSink&) = delete;

  // Binds every listen address; throws "cannot listen on ADDR: bind: REASON" when one fails.
  void start();
  void stop();
  // Re-reads the bearer token's file or variable and the TLS certificate and key (SIGHUP).
  // Throws naming each that was refused, which keeps its previous value.
  void reopen();

  // Renders the servers' series once, then swaps them in (the lock covers the pointer only).
  void publish(const sdk::Snapshot& snapshot);
  // Where the daemon's health comes from (the host's health_json); set before start.
  using HealthFn = std::function<std::string()>;
  void set_host_health(HealthFn fetch);

  // Answers one request; what each HTTP session calls.
  http::Response handle(const http::Request& request);

  std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const;

 private:
  struct Rendered {
    std::string text;  // the servers' families
    int64_t timestamp_unix_ms = 0;
  };
  std::string health_text();
  // Reads bearer_token's file or variable into a new config_; throws SecretError naming it.
  void load_bearer_token();
  // The configuration in force: a reopen swaps in a copy holding the token read again.
  std::shared_ptr<const Config> config() const;

  const std::string version_;
  mutable std::mutex mutex_;              // guards config_ and rendered_ (the pointers)
  std::shared_ptr<const Config> config_;  // bearer_token is set by start, before the server runs
  std::shared_ptr<const Rendered> rendered_;
  // Prometheus scrapes every few seconds, but /metrics may be open to anyone: the daemon is asked
  // for its health at most once a second, concurrent scrapes waiting for that one fetch.
  static constexpr std::chrono::seconds kHostHealthMaxAge{1};
  std::mutex health_mutex_;  // guards the three below, held while fetching
  HealthFn fetch_health_;
  std::optional<std::chrono::steady_clock::time_point> health_fetched_;
  std::string health_json_;
  http::Server server_;  // last: stopped and destroyed before the state its sessions read
};

}  // namespace flowlens::prometheus_sink
