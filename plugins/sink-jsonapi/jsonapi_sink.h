// The sink without the SDK: keeps the latest rendered snapshot and serves it over HTTP. The
// plugin entry point and the tests both drive this class.
#pragma once

#include "config.h"
#include "router.h"
#include "server.h"
#include "snapshot.h"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace flowlens::jsonapi {

class JsonApiSink {
 public:
  JsonApiSink(Config config, std::string version, LogFn log);
  ~JsonApiSink();
  JsonApiSink(const JsonApiSink&) = delete;
  JsonApiSink& operator=(const JsonApiSink&) = delete;

  void start();
  void stop();

  // Renders `snapshot` once, then swaps it in. The lock is held only for the pointer swap, so
  // the delivery thread never waits on requests in flight.
  void publish(const Snapshot& snapshot);
  void set_host_status(HostStatus status);

  // Answers one request from the current state; what each session calls.
  Response handle(const Request& request) const;

  std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const;
  const Config& config() const { return config_; }

 private:
  std::shared_ptr<const State> state() const;
  void swap_state(std::shared_ptr<const RenderedSnapshot> snapshot, const HostStatus* host);

  const Config config_;
  const std::string version_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  mutable std::mutex mutex_;  // guards state_ (the pointer, not what it points to)
  std::shared_ptr<const State> state_ = std::make_shared<const State>();
  Server server_;  // last: stopped and destroyed before the state its sessions read
};

}  // namespace flowlens::jsonapi
