// SPDX-License-Identifier: BSD-2-Clause
#include "discord_status.h"

#include <flowlens/plugin.h>

#include <boost/json.hpp>

#include <fstream>

namespace flowlens::webhook {
namespace {

// Discord's error code for "Unknown Message": the status message was deleted, post a new one.
constexpr int64_t kDiscordUnknownMessage = 10008;

// `url` with `suffix` added to its path and `query` to its query (a Discord URL may already carry
// ?thread_id=...).
std::string with_path(const std::string& url, const std::string& suffix, const std::string& query) {
  const size_t q = url.find('?');
  std::string base = url.substr(0, q);
  std::string params = q == std::string::npos ? "" : url.substr(q + 1);
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!query.empty()) params = params.empty() ? query : params + "&" + query;
  return base + suffix + (params.empty() ? "" : "?" + params);
}

std::optional<int64_t> discord_code(const std::string& body) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const boost::json::value* code = doc.get_object().if_contains("code");
  if (code == nullptr || !code->is_int64()) return std::nullopt;
  return code->get_int64();
}

std::string message_id_of(const std::string& body) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) return {};
  const boost::json::value* id = doc.get_object().if_contains("id");
  if (id == nullptr || !id->is_string()) return {};
  const std::string text(id->get_string());
  // A snowflake: digits only (it goes into the URL path).
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return {};
  return text;
}

}  // namespace

DiscordStatus::DiscordStatus(WebhookConfig config, std::string url, std::string id_path, LogFn log,
                             sdk::Host host)
    : config_(std::move(config)),
      url_(std::move(url)),
      host_(url_host(url_)),
      id_path_(std::move(id_path)),
      log_(std::move(log)),
      sdk_host_(host),
      jitter_(std::random_device{}()) {
  std::ifstream in(id_path_);
  std::string id;
  if (in >> id && id.find_first_not_of("0123456789") == std::string::npos) message_id_ = id;
}

DiscordStatus::~DiscordStatus() {
  stop();
}

std::string DiscordStatus::where() const {
  return "webhook '" + config_.name + "' (discord_status, host " + host_ + ")";
}

AttemptResult DiscordStatus::send_now(const std::string& body) const {
  HttpRequest r;
  r.url = url_;
  r.timeout = config_.timeout;
  r.body = body;
  r.headers = {"Content-Type: application/json", "Expect:"};
  for (const auto& [k, v] : config_.headers) r.headers.push_back(k + ": " + v);
  return http_send(r, abort_);
}

void DiscordStatus::start() {
  thread_ = sdk::Thread(sdk_host_, "status '" + config_.name + "'", [this] { run(); });
}

void DiscordStatus::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  abort_ = true;  // a status edit is not worth waiting for at stop
  wake_.notify_all();
  thread_.join();
}

void DiscordStatus::update(std::string body) {
  {
    std::lock_guard lock(mutex_);
    if (disabled_) return;
    pending_ = std::move(body);
  }
  wake_.notify_all();
}

bool DiscordStatus::sleep_for(Millis wait) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, wait, [&] { return stopping_; });
  return !stopping_;
}

std::optional<Millis> DiscordStatus::send(const std::string& body, int attempt) {
  HttpRequest r;
  r.timeout = config_.timeout;
  r.body = body;
  r.headers = {"Content-Type: application/json", "Expect:"};
  for (const auto& [k, v] : config_.headers) r.headers.push_back(k + ": " + v);
  const bool post = message_id_.empty();
  r.method = post ? "POST" : "PATCH";
  r.url = post ? with_path(url_, "", "wait=true") : with_path(url_, "/messages/" + message_id_, "");
  const AttemptResult result = http_send(r, abort_);
  if (result.transport_error == "aborted") return std::nullopt;
  if (!post && result.status == 404 && discord_code(result.body) == kDiscordUnknownMessage) {
    // Someone deleted the status message: post a new one at once.
    log_(FLOWLENS_LOG_INFO, where() + ": the status message is gone; posting a new one");
    message_id_.clear();
    return Millis(0);
  }
  const Decision d = decide(result, attempt, jitter_);
  const std::string answer =
      result.status ? "HTTP " + std::to_string(result.status) : result.transport_error;
  switch (d.action) {
    case Action::kDone:
      if (post) {
        message_id_ = message_id_of(result.body);
        if (message_id_.empty()) {
          log_(FLOWLENS_LOG_WARN, where() +
                                      ": the answer carried no message id; the next "
                                      "change posts a new message");
        } else {
          std::ofstream(id_path_) << message_id_ << "\n";
        }
      }
      return std::nullopt;
    case Action::kDisable: {
      std::lock_guard lock(mutex_);
      disabled_ = true;
      pending_.reset();
      log_(FLOWLENS_LOG_ERROR,
           where() + " answered " + answer + ": disabled until the next reload; check its URL");
      return std::nullopt;
    }
    case Action::kDrop:
      log_(FLOWLENS_LOG_ERROR, where() + " refused the status with " + answer);
      return std::nullopt;
    case Action::kRetry:
      break;
  }
  if (attempt >= config_.max_attempts) {
    log_(FLOWLENS_LOG_WARN, where() + ": " + answer + "; the next change tries again");
    return std::nullopt;
  }
  return d.wait;
}

void DiscordStatus::run() {
  for (;;) {
    std::string body;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return pending_.has_value() || stopping_; });
      if (stopping_ || disabled_) return;
      body = std::move(*pending_);
      pending_.reset();
    }
    for (int attempt = 1;; ++attempt) {
      const std::optional<Millis> retry = send(body, attempt);
      if (!retry) break;
      if (!sleep_for(*retry)) return;
      std::lock_guard lock(mutex_);
      if (pending_) {  // a newer text arrived while waiting: send that one instead
        body = std::move(*pending_);
        pending_.reset();
      }
    }
    // At most one edit per status_interval; changes meanwhile collapse into the latest.
    if (!sleep_for(config_.status_interval)) return;
  }
}

}  // namespace flowlens::webhook
