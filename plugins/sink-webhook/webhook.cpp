// SPDX-License-Identifier: BSD-2-Clause
#include "webhook.h"

#include "hmac.h"

#include <flowlens/plugin.h>

#include <ctime>

namespace flowlens::webhook {

using Clock = std::chrono::steady_clock;

Webhook::Webhook(WebhookConfig config, std::string url, std::string hmac_key, LogFn log,
                 sdk::Host host)
    : config_(std::move(config)),
      url_(std::move(url)),
      hmac_key_(std::move(hmac_key)),
      host_(url_host(url_)),
      log_(std::move(log)),
      sdk_host_(host),
      jitter_(std::random_device{}()) {}

Webhook::~Webhook() {
  if (thread_.joinable()) stop(Millis(0));
}

std::string Webhook::where() const {
  return "webhook '" + config_.name + "' (" + format_name(config_.format) + ", host " + host_ + ")";
}

void Webhook::start() {
  thread_ = sdk::Thread(sdk_host_, "webhook '" + config_.name + "'", [this] { run(); });
}

void Webhook::enqueue(std::vector<std::string> bodies) {
  if (bodies.empty() || disabled_) return;
  size_t dropped = 0;
  {
    std::lock_guard lock(mutex_);
    for (std::string& b : bodies) queue_.push_back(std::move(b));
    while (queue_.size() > config_.queue_limit) {
      queue_.pop_front();
      ++dropped;
    }
    counters_.dropped += dropped;
  }
  wake_.notify_all();
  if (dropped > 0) {
    log_(FLOWLENS_LOG_WARN, where() + ": queue full (" + std::to_string(config_.queue_limit) +
                                "), dropped the " + std::to_string(dropped) + " oldest messages");
  }
}

void Webhook::request_stop(Millis drain) {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    drain_deadline_ = Clock::now() + drain;
  }
  wake_.notify_all();
}

void Webhook::join() {
  // The thread leaves by itself when the queue is empty or the deadline passes; a transfer
  // running at the deadline is aborted so stop never waits for a hanging receiver.
  {
    std::unique_lock lock(mutex_);
    wake_.wait_until(lock, drain_deadline_, [&] { return queue_.empty() && !busy_; });
  }
  abort_ = true;
  wake_.notify_all();
  thread_.join();
}

WebhookCounters Webhook::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

bool Webhook::sleep_for(Millis wait) {
  std::unique_lock lock(mutex_);
  auto until = Clock::now() + wait;
  if (stopping_ && until > drain_deadline_) return false;  // would outlive the drain: give up
  wake_.wait_until(lock, until, [&] { return abort_.load(); });
  return !abort_;
}

HttpRequest Webhook::request_for(const std::string& body) const {
  HttpRequest r;
  r.url = url_;
  if (config_.format == Format::kAlertmanager) {
    while (!r.url.empty() && r.url.back() == '/') r.url.pop_back();
    r.url += "/api/v2/alerts";
  }
  r.body = body;
  r.timeout = config_.timeout;
  r.headers.push_back("Content-Type: application/json");
  r.headers.push_back("Expect:");  // no 100-continue round trip
  for (const auto& [k, v] : config_.headers) r.headers.push_back(k + ": " + v);
  if (!hmac_key_.empty()) {
    // Signed at each attempt, so a retry carries a fresh timestamp.
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    r.headers.push_back(std::string(kTimestampHeader) + ": " + std::to_string(now));
    r.headers.push_back(std::string(kSignatureHeader) + ": " +
                        signature_header(hmac_key_, now, body));
  }
  return r;
}

bool Webhook::deliver(const std::string& body) {
  for (int attempt = 1;; ++attempt) {
    const HttpRequest request = request_for(body);
    const AttemptResult result = http_send(request, abort_);
    {
      std::lock_guard lock(mutex_);
      ++counters_.attempts;
    }
    if (result.transport_error == "aborted") return true;
    const Decision d = decide(result, attempt, jitter_);
    const std::string answer =
        result.status ? "HTTP " + std::to_string(result.status) : result.transport_error;
    switch (d.action) {
      case Action::kDone: {
        std::lock_guard lock(mutex_);
        ++counters_.delivered;
        return true;
      }
      case Action::kDisable: {
        disabled_ = true;
        size_t dropped = 0;
        {
          std::lock_guard lock(mutex_);
          dropped = queue_.size() + 1;
          counters_.dropped += dropped;
          queue_.clear();
        }
        // One clear error, then silence: Discord asks that a 404'd webhook is not used again
        // and bans addresses that keep sending failing requests.
        log_(FLOWLENS_LOG_ERROR, where() + " answered " + answer +
                                     ": disabled until the next reload; check or replace its "
                                     "URL (" +
                                     std::to_string(dropped) + " messages dropped)");
        return false;
      }
      case Action::kDrop: {
        {
          std::lock_guard lock(mutex_);
          ++counters_.dropped;
        }
        log_(FLOWLENS_LOG_ERROR,
             where() + " refused a message with " + answer + ": dropped it (not retried)");
        return true;
      }
      case Action::kRetry:
        break;
    }
    if (attempt >= config_.max_attempts) {
      {
        std::lock_guard lock(mutex_);
        ++counters_.dropped;
      }
      log_(FLOWLENS_LOG_ERROR, where() + ": " + answer + " after " + std::to_string(attempt) +
                                   " attempts; message dropped");
      return true;
    }
    log_(FLOWLENS_LOG_WARN, where() + ": " + answer + "; retry " + std::to_string(attempt) +
                                " in " + std::to_string(d.wait.count()) + " ms");
    if (!sleep_for(d.wait)) return true;
  }
}

void Webhook::run() {
  for (;;) {
    std::string body;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !queue_.empty() || stopping_ || abort_; });
      if (abort_ || queue_.empty()) break;  // stopping with nothing left, or drain time over
      body = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    const bool keep_going = deliver(body);
    {
      std::lock_guard lock(mutex_);
      busy_ = false;
    }
    wake_.notify_all();  // stop() waits for the queue to empty
    if (!keep_going) break;
  }
  wake_.notify_all();
}

}  // namespace flowlens::webhook
