/* SPDX-License-Identifier: BSD-2-Clause */
// The sink without the SDK: keeps the latest rendered snapshot and serves it over HTTP. The
// plugin entry point and the tests both drive this class.
#pragma once

#include "config.h"
#include "router.h"
#include "server.h"
#include "snapshot.h"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace flowlens::jsonapi {

class JsonApiSink {
 public:
  // `host`: the instance's, for the server's log lines and its workers' failures.
  JsonApiSink(Config config, std::string version, sdk::Host host);
  ~JsonApiSink();
  JsonApiSink(const JsonApiSink&) = delete;
  JsonApiSink& operator=(const JsonApiSink&) = delete;

  void start();
  void stop();
  // Re-reads the API key's file or variable and the TLS certificate and key (SIGHUP). Throws
  // naming each that was refused, which keeps its previous value.
  void reopen();

  // Renders `snapshot` once, then swaps it in. The lock is held only for the pointer swap, so
  // the delivery thread never waits on requests in flight.
  void publish(const Snapshot& snapshot);
  void set_host_status(HostStatus status);
  // Where /health gets the daemon's health text (the host's health_json); set before start.
  // Without one, /health shows null for the daemon's fields.
  using HealthFn = std::function<std::string()>;
  void set_host_health(HealthFn fetch);

  // Answers one request from the current state; what each session calls.
  Response handle(const Request& request);

  std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const;
  // The configuration in force: a reopen swaps in a copy holding the key read again.
  std::shared_ptr<const Config> config() const;

 private:
  std::shared_ptr<const State> state() const;
  void swap_state(std::shared_ptr<const RenderedSnapshot> snapshot, const HostStatus* host);
  // Fetches the host's health when the copy in the state is older than kHostHealthMaxAge.
  void refresh_host_status();

  // Reads api_key's file or variable into a new config_; throws SecretError naming it.
  void load_api_key();

  const std::string version_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  mutable std::mutex mutex_;  // guards config_ and state_ (the pointers, not what they point to)
  std::shared_ptr<const Config> config_;  // api_key is set by start, before the server runs
  std::shared_ptr<const State> state_ = std::make_shared<const State>();
  // /health needs no token, so a flood of it must not become a flood of calls into the daemon:
  // one fetch a second at most, concurrent requests waiting for it rather than fetching too.
  static constexpr std::chrono::seconds kHostHealthMaxAge{1};
  std::mutex health_mutex_;  // guards the two below, held while fetching
  HealthFn fetch_health_;
  std::optional<std::chrono::steady_clock::time_point> health_fetched_;
  http::Server server_;  // last: stopped and destroyed before the state its sessions read
};

}  // namespace flowlens::jsonapi
