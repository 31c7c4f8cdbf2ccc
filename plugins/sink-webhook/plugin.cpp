// SPDX-License-Identifier: BSD-2-Clause
// sink-webhook: registration only. Rules live in rules_engine.cpp, formats in format_*.cpp,
// delivery in webhook.cpp; webhook_sink.cpp ties them together.
#include "config.h"
#include "observation.h"
#include "webhook_sink.h"

#include <flowlens/plugin.hpp>

namespace flowlens::webhook {
namespace {

// Name and labels arrive with ABI 1.2 (sdk::ServerEstimate::name, labels); an older SDK has
// neither, and then rules can select by id only.
template <class Estimate>
ServerObservation observe(const Estimate& e) {
  ServerObservation o;
  o.id = e.server_id;
  if constexpr (requires { e.name; }) o.name = e.name;
  if constexpr (requires { e.labels; }) {
    for (const auto& [k, v] : e.labels) o.labels[k] = v;
  }
  if (o.name.empty()) o.name = o.id;
  o.known = e.known;
  o.players = e.known ? e.active_players : 0;
  o.unknown_reason = e.unknown_reason;
  return o;
}

class WebhookPlugin {
 public:
  static constexpr const char* kName = "sink-webhook";
  static constexpr const char* kVersion = FLOWLENS_WEBHOOK_VERSION;
  static constexpr const char* kDescription =
      "player-threshold alerts to Discord, Slack, JSON webhooks and Alertmanager";
  static constexpr uint32_t kCapabilities = FLOWLENS_CAP_SINK;

  WebhookPlugin(sdk::Host host, const sdk::Config& config)
      : host_(host),
        sink_(
            parse_config(config), std::string(host.instance_name()),
            [host](int level, const std::string& message) {
              host.log(static_cast<sdk::LogLevel>(level), message);
            },
            [host](uint32_t kind, const std::string& message, const std::string& server_id,
                   double value) { host.emit(kind, message, server_id, value); },
            host) {}

  void start() {
    try {
      sink_.start();
    } catch (const std::exception& e) {
      sink_.stop();  // joins whatever had started; the host destroys the instance next
      throw sdk::Error(FLOWLENS_ERR_FAILED, e.what());
    }
  }
  void stop() { sink_.stop(); }
  bool self_test(std::string& report) { return sink_.self_test(report); }

  void on_snapshot(const sdk::Snapshot& snapshot) {
    std::vector<ServerObservation> servers;
    servers.reserve(snapshot.servers.size());
    for (const sdk::ServerEstimate& e : snapshot.servers) servers.push_back(observe(e));
    sink_.on_snapshot(servers);
  }

 private:
  sdk::Host host_;
  WebhookSink sink_;
};

}  // namespace
}  // namespace flowlens::webhook

FLOWLENS_PLUGIN(flowlens::webhook::WebhookPlugin)
