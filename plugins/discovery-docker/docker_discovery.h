/* SPDX-License-Identifier: BSD-2-Clause */
// discovery-docker: game servers from the containers of a Docker Engine, kept current by its
// event stream (a full re-list only on connect and every `interval`, as a safety net).
//
// One thread runs an io_context with two coroutines. The connector opens /events (first, so no
// change falls between the list and the stream), queues "full list" once the stream is open,
// then queues every event line; when the engine goes away it reconnects with capped, jittered
// backoff. The processor applies the queue in order (lists, inspects, publishes) and re-lists
// every `interval`. The last known servers stay published while the engine is away.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <flowlens/plugin.hpp>

#include "container_facts.h"
#include "docker_event.h"
#include "engine_client.h"
#include "server_table.h"
#include "settings.h"
#include <flowlens/sdk/thread.hpp>

namespace flowlens::discovery_docker {

class DockerDiscovery {
 public:
  static constexpr const char* kName = "discovery-docker";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription =
      "game servers from Docker containers, kept current by the engine's event stream";
  static constexpr uint32_t kCapabilities = FLOWLENS_CAP_DISCOVERY;

  // Validates only: no connection is made here (check-config runs this).
  DockerDiscovery(sdk::Host host, const sdk::Config& config);
  ~DockerDiscovery();
  DockerDiscovery(const DockerDiscovery&) = delete;
  DockerDiscovery& operator=(const DockerDiscovery&) = delete;

  void start();
  // Returns promptly whatever the engine does (silent stream, unreachable, hung answer), then
  // withdraws what this instance published.
  void stop();

 private:
  boost::asio::awaitable<void> connect_loop();
  boost::asio::awaitable<void> session();
  boost::asio::awaitable<void> process();
  boost::asio::awaitable<void> full_sync(EngineClient& client, std::string api);
  boost::asio::awaitable<void> apply(EngineClient& client, std::string api,
                                     const DockerEvent& event);
  // `api` is taken by value: the connection's version may change while these are suspended.
  // Inspect answer for `id`, or nullopt when the container no longer exists.
  boost::asio::awaitable<std::optional<ContainerFacts>> inspect(EngineClient& client,
                                                                std::string api,
                                                                const std::string& id);
  void take(const ContainerFacts& facts, std::map<std::string, sdk::Server>* into);
  void publish();
  // Logs `text` as a warning unless it was already logged.
  void remember_and_warn(const std::string& text);
  void report_down(const std::string& why);

  sdk::Host host_;
  Settings settings_;
  // Shared by the two coroutines; only ever touched on the io thread.
  std::deque<DockerEvent> queue_;
  std::string api_;             // "v1.41" once a stream is open, "" while disconnected
  uint64_t stream_serial_ = 0;  // bumped when a new stream opens: the processor re-lists
  ServerTable table_;
  std::map<std::string, sdk::Server> published_;  // by server id, as last handed to the host
  bool published_once_ = false;
  std::map<std::string, InspectDetails> inspect_cache_;  // by container id
  std::set<std::string> reported_;                       // problems already logged (once each)
  bool down_reported_ = false;
  bool sync_failure_reported_ = false;
  bool connected_once_ = false;
  sdk::Thread thread_;
  // Members go in reverse order: the io_context before everything above (the coroutine frames
  // it still owns use them), and its timer before it (a timer must not outlive its context).
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::steady_timer> wake_;  // cancelled to wake the processor
};

}  // namespace flowlens::discovery_docker
