// SPDX-License-Identifier: BSD-2-Clause
// example-hello: the smallest useful FlowLens plugin, both kinds at once. As discovery it
// publishes one server from its config; as a sink it logs each snapshot's player total and emits
// an event when a server reaches `alert_players`. Copy this file to start a new plugin.
//
//   plugins:
//     hello: {plugin: example-hello, config: {id: mc, port: 25565, proto: tcp, alert_players: 10}}
#include <map>
#include <string>

#include <flowlens/plugin.hpp>

namespace sdk = flowlens::sdk;

class HelloPlugin {
 public:
  static constexpr const char* kName = "example-hello";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "publishes one server and logs player totals";
  static constexpr uint32_t kCapabilities = FLOWLENS_CAP_DISCOVERY | FLOWLENS_CAP_SINK;

  // Validates only: the config object is gone after the constructor returns.
  HelloPlugin(sdk::Host host, const sdk::Config& config) : host_(host) {
    config.allow_only({"id", "name", "port", "proto", "alert_players"});
    server_.id = config.require_string("id");
    server_.name = config.get_string("name", server_.id);
    // Errors come out as "proto: expected one of tcp, udp, got 'sctp'", which check-config pins
    // to the line of that value.
    const std::string proto = config.get_enum("proto", "udp", {"tcp", "udp"});
    server_.endpoints.push_back({static_cast<uint16_t>(config.get_int("port", 0, 1, 65535)),
                                 proto == "tcp" ? sdk::Proto::kTcp : sdk::Proto::kUdp});
    alert_players_ = static_cast<uint32_t>(config.get_int("alert_players", 10, 1, 1000000));
  }

  void start() {
    host_.replace_servers({server_});
    host_.info("publishing server '" + server_.id + "'");
  }

  void stop() { host_.info("stopped"); }  // no threads of our own to join

  void on_snapshot(sdk::SnapshotPtr snapshot) {
    uint64_t total = 0;
    for (const sdk::ServerEstimate& s : snapshot->servers) {
      if (!s.known) continue;  // unknown is not 0: leave it out of the total
      total += s.active_players;
      bool above = s.active_players >= alert_players_;
      if (above && !alerted_[s.server_id]) {
        host_.emit(FLOWLENS_EVENT_THRESHOLD_CROSSED,
                   s.server_id + " reached " + std::to_string(s.active_players), s.server_id,
                   static_cast<double>(s.active_players));
      }
      alerted_[s.server_id] = above;
    }
    host_.debug("players across " + std::to_string(snapshot->servers.size()) +
                " servers: " + std::to_string(total));
  }

  void on_event(const sdk::Event& event) {
    host_.info("event from " + event.source + ": " + event.message);
  }

 private:
  sdk::Host host_;
  sdk::Server server_;
  uint32_t alert_players_ = 10;
  std::map<std::string, bool> alerted_;  // delivery thread only: no lock needed
};

FLOWLENS_PLUGIN(HelloPlugin)
