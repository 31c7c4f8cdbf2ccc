/* SPDX-License-Identifier: BSD-2-Clause */
// The sink: rules on each snapshot (on the host's delivery thread for this instance), grouping
// and rendering on a dispatcher thread, delivery on one thread per webhook.
#pragma once

#include "config.h"
#include "discord_status.h"
#include "grouper.h"
#include "rules_engine.h"
#include "webhook.h"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace flowlens::webhook {

// At stop, queued messages (including a group still waiting) get this long to go out.
inline constexpr Millis kStopDrain{3000};

// Emits one ABI event: kind (FLOWLENS_EVENT_*), sentence, server id, value.
using EmitFn = std::function<void(uint32_t kind, const std::string& message,
                                  const std::string& server_id, double value)>;

class WebhookSink {
 public:
  // `host`: the instance's, told if one of the sink's threads fails.
  WebhookSink(SinkConfig config, std::string instance, LogFn log, EmitFn emit, sdk::Host host);
  ~WebhookSink();

  // Resolves the secrets, reads the state file, starts the threads. Throws on a missing secret.
  void start();
  void stop();
  // `flowlensd alert-test`: one test message through every webhook, one attempt each, on the
  // calling thread; `report` gets a line per webhook. True when every one accepted it.
  bool self_test(std::string& report);
  // One snapshot, judged at the current time.
  void on_snapshot(const std::vector<ServerObservation>& servers);

  // The state file's path: STATE_DIR/sink-webhook-INSTANCE.json.
  std::string state_path() const;
  // STATE_DIR/sink-webhook-INSTANCE, to which the state files add their suffix.
  std::string state_path_base() const;

 private:
  void evaluate(const std::vector<ServerObservation>& servers, Instant now);
  void update_status(const std::vector<ServerObservation>& servers);
  // Writes the state file when what the receivers were told changed. mutex_ held.
  void persist();
  void dispatch_loop();
  // Renders `notes` (those of w's rules) in w's format and queues them.
  void send_to(Webhook& w, const std::vector<Notification>& notes);
  static Instant now();

  const SinkConfig config_;
  const std::string instance_;
  LogFn log_;
  EmitFn emit_;
  const sdk::Host host_;
  std::string daemon_host_;

  std::vector<std::unique_ptr<Webhook>> webhooks_;
  std::vector<std::unique_ptr<DiscordStatus>> statuses_;
  // The status text last handed to statuses_ (touched on the snapshot thread only).
  std::string last_status_text_;

  std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  std::optional<RulesEngine> engine_;
  Grouper grouper_;
  bool stopping_ = false;
  // What the state file holds now (see told_state.h).
  std::vector<FiringRecord> saved_;
  std::string last_save_error_;
  sdk::Thread dispatcher_;
};

}  // namespace flowlens::webhook
