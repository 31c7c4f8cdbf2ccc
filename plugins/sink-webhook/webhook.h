/* SPDX-License-Identifier: BSD-2-Clause */
// One configured webhook: its own thread and bounded queue, retries with backoff, and disabled
// for good (until a reload) when the receiver says it is gone. A hanging receiver delays only
// its own queue, never the rules, the estimator or another webhook.
#pragma once

#include "config.h"
#include "http_post.h"

#include <flowlens/sdk/host.hpp>
#include <flowlens/sdk/thread.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace flowlens::webhook {

// level: FLOWLENS_LOG_* value; the message never contains a URL, only its host.
using LogFn = std::function<void(int level, const std::string& message)>;

struct WebhookCounters {
  uint64_t delivered = 0;  // messages the receiver accepted (2xx)
  uint64_t attempts = 0;   // HTTP attempts, including retries
  uint64_t dropped = 0;    // given up: attempts exhausted, 4xx, queue full, disabled
};

class Webhook {
 public:
  // `url` and `hmac_key` are the resolved secrets; `host` is told if the thread fails.
  Webhook(WebhookConfig config, std::string url, std::string hmac_key, LogFn log, sdk::Host host);
  ~Webhook();
  Webhook(const Webhook&) = delete;
  Webhook& operator=(const Webhook&) = delete;

  void start();
  // Queues request bodies; beyond queue_limit the oldest are dropped. Never blocks on the network.
  void enqueue(std::vector<std::string> bodies);
  // Keeps delivering what is queued for at most `drain`, then aborts any transfer and joins.
  // request_stop + join, split so several webhooks drain at the same time.
  void stop(Millis drain) {
    request_stop(drain);
    join();
  }
  void request_stop(Millis drain);
  void join();

  // One attempt at `body`, now, on the calling thread, as the delivery thread would send it
  // (headers, signature): for `flowlensd alert-test`.
  AttemptResult send_now(const std::string& body) const {
    return http_send(request_for(body), abort_);
  }

  const WebhookConfig& config() const { return config_; }
  // "discord.com": what logs say about this webhook.
  const std::string& host() const { return host_; }
  bool disabled() const { return disabled_.load(); }
  WebhookCounters counters() const;

 private:
  void run();
  // Delivers one body with retries; false when the webhook was disabled.
  bool deliver(const std::string& body);
  // Waits `wait` unless stopping past the drain deadline; false when it should give up.
  bool sleep_for(Millis wait);
  HttpRequest request_for(const std::string& body) const;
  std::string where() const;

  const WebhookConfig config_;
  const std::string url_;
  const std::string hmac_key_;
  const std::string host_;
  LogFn log_;
  const sdk::Host sdk_host_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  bool busy_ = false;  // a message is being delivered (popped, not finished)
  std::chrono::steady_clock::time_point drain_deadline_{};
  WebhookCounters counters_;
  std::atomic<bool> abort_{false};
  std::atomic<bool> disabled_{false};
  std::mt19937_64 jitter_;
  sdk::Thread thread_;
};

}  // namespace flowlens::webhook
