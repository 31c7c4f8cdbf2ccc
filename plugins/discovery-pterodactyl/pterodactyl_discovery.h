/* SPDX-License-Identifier: BSD-2-Clause */
// discovery-pterodactyl: the servers of this host's node, listed from a Pterodactyl or Pelican
// panel's Application API every discovery interval on the plugin's own thread.
#pragma once

#include <flowlens/plugin.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "failure_log.h"
#include "panel_client.h"
#include "settings.h"
#include "webhook_hint.h"
#include "webhook_listener.h"
#include <flowlens/sdk/thread.hpp>

namespace flowlens::discovery_pterodactyl {

class PterodactylDiscovery {
 public:
  static constexpr const char* kName = "discovery-pterodactyl";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription =
      "game servers of this node from a Pterodactyl or Pelican panel (Application API)";
  static constexpr uint32_t kCapabilities = FLOWLENS_CAP_DISCOVERY;

  // Validates only (check-config runs this).
  PterodactylDiscovery(sdk::Host host, const sdk::Config& config);
  ~PterodactylDiscovery();

  // Reads the API key (an error if it cannot) and starts the poll thread; the first list is
  // fetched on that thread, so a slow panel does not hold up the daemon's start.
  void start();
  // Interrupts any request or wait, joins the thread, withdraws the servers.
  void stop();

 private:
  void run();
  void sync(PanelClient& client);
  // Re-reads one server after a webhook hint and updates it in the published list.
  void resync_server(PanelClient& client, const std::string& uuid);
  void publish(std::vector<sdk::Server> servers, const std::string& why);
  int64_t resolve_node(PanelClient& client);
  // Sleeps up to `d`; false when stopping.
  bool wait(std::chrono::milliseconds d);
  // Sleeps up to `d` or until a webhook hint arrives; false when stopping.
  bool wait_for_next(std::chrono::milliseconds d);
  void on_hint(const ResyncHint& hint);

  sdk::Host host_;
  Settings settings_;
  std::chrono::milliseconds interval_;
  std::string api_key_;

  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  sdk::Thread thread_;
  std::unique_ptr<WebhookListener> webhook_;
  // Hints not yet handled (under mu_): server uuids, or a whole-list resync.
  std::set<std::string> hinted_servers_;
  bool hinted_full_ = false;

  // Poll-thread state.
  FailureLog failures_;
  std::optional<int64_t> node_;
  std::optional<std::vector<sdk::Server>> published_;
  std::set<std::string> skipped_logged_;
};

}  // namespace flowlens::discovery_pterodactyl
