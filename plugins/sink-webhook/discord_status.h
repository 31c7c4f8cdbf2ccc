/* SPDX-License-Identifier: BSD-2-Clause */
// The Discord live-status message of one webhook: posted once with ?wait=true (Discord answers
// with the message, whose id we keep, also on disk), then edited in place with PATCH, at most
// once per status_interval and only when the text changed. Never a channel rename (Discord
// allows two per ten minutes). Own thread; only the latest text waits (older ones are moot).
#pragma once

#include "config.h"
#include "http_post.h"
#include "webhook.h"

#include <flowlens/sdk/host.hpp>
#include <flowlens/sdk/thread.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <random>
#include <string>

namespace flowlens::webhook {

class DiscordStatus {
 public:
  // `id_path`: where the message id is kept across restarts, so a restart edits the same message.
  // `host` is told if the thread fails.
  DiscordStatus(WebhookConfig config, std::string url, std::string id_path, LogFn log,
                sdk::Host host);
  ~DiscordStatus();
  DiscordStatus(const DiscordStatus&) = delete;
  DiscordStatus& operator=(const DiscordStatus&) = delete;

  void start();
  void stop();
  // Replaces whatever text waits. Never blocks on the network.
  void update(std::string body);

  // Posts `body` as a new message (not the status), now, on the calling thread: alert-test.
  AttemptResult send_now(const std::string& body) const;

  const WebhookConfig& config() const { return config_; }
  const std::string& host() const { return host_; }

 private:
  void run();
  // One POST or PATCH of `body`; returns the wait before the next attempt, unset when done.
  std::optional<Millis> send(const std::string& body, int attempt);
  bool sleep_for(Millis wait);
  std::string where() const;

  const WebhookConfig config_;
  const std::string url_;
  const std::string host_;
  const std::string id_path_;
  LogFn log_;
  const sdk::Host sdk_host_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<std::string> pending_;
  bool stopping_ = false;
  std::string message_id_;  // "" until posted
  std::atomic<bool> abort_{false};
  bool disabled_ = false;
  std::mt19937_64 jitter_;
  sdk::Thread thread_;
};

}  // namespace flowlens::webhook
