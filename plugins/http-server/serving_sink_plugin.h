/* SPDX-License-Identifier: BSD-2-Clause */
// The SDK glue every sink that serves HTTP shares, so each plugin.cpp holds only its identity: a
// `Sink` built from its parsed config, the plugin's version and the host's log, fed the host's
// health (ABI 1.1) when there is one, serving the latest snapshot from the moment it starts
// instead of an empty answer until the next tick, given every new snapshot, and told to re-read
// its files on SIGHUP (ABI 1.4 reopen).
//
//   class MyPlugin : public http::ServingSinkPlugin<MySink> {
//    public:
//     static constexpr const char* kName = "sink-mine";  // kVersion, kDescription, kCapabilities
//     MyPlugin(sdk::Host host, const sdk::Config& config)
//         : ServingSinkPlugin(host, parse_config(config), kVersion) {}
//   };
#pragma once

#include <flowlens/sdk/host.hpp>

#include <string>
#include <utility>

#include "host_log.h"

namespace flowlens::http {

template <class Sink>
class ServingSinkPlugin {
 public:
  template <class SinkConfig>
  ServingSinkPlugin(sdk::Host host, SinkConfig config, std::string version)
      : host_(host), sink_(std::move(config), std::move(version), host) {
    if (host_.has_health_json()) sink_.set_host_health([host] { return host.health_json(); });
  }

  void start() {
    if (const sdk::SnapshotPtr latest = host_.latest_snapshot()) sink_.publish(*latest);
    sink_.start();
  }
  void stop() { sink_.stop(); }
  // SIGHUP: the certificate and key again (http::Server::reopen); throws, keeping the old pair.
  void reopen() { sink_.reopen(); }
  void on_snapshot(const sdk::Snapshot& snapshot) { sink_.publish(snapshot); }

 private:
  sdk::Host host_;
  Sink sink_;
};

}  // namespace flowlens::http
