// SPDX-License-Identifier: BSD-2-Clause
#include "webhook_sink.h"

#include "formats.h"
#include "state_file.h"
#include "told_state.h"

#include <flowlens/plugin.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>

namespace flowlens::webhook {
namespace {

uint32_t event_kind(ConditionKind kind) {
  switch (kind) {
    case ConditionKind::kEmpty:
      return FLOWLENS_EVENT_SERVER_EMPTY;
    case ConditionKind::kUnknown:
      return FLOWLENS_EVENT_SERVER_UNKNOWN;
    default:
      return FLOWLENS_EVENT_THRESHOLD_CROSSED;
  }
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown-host";
  return buf;
}

}  // namespace

WebhookSink::WebhookSink(SinkConfig config, std::string instance, LogFn log, EmitFn emit,
                         sdk::Host host)
    : config_(std::move(config)),
      instance_(std::move(instance)),
      log_(std::move(log)),
      emit_(std::move(emit)),
      host_(host),
      daemon_host_(host_name()),
      grouper_(config_.group_wait) {}

WebhookSink::~WebhookSink() {
  stop();
}

Instant WebhookSink::now() {
  using namespace std::chrono;
  return {duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count(),
          duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count()};
}

std::string WebhookSink::state_path_base() const {
  std::string name = instance_;
  std::replace(name.begin(), name.end(), '/', '_');
  return config_.state_dir + "/sink-webhook-" + name;
}

std::string WebhookSink::state_path() const {
  return state_path_base() + ".json";
}

void WebhookSink::start() {
  http_global_init();
  // Secrets first: a missing one fails start with a message naming the webhook, not the URL.
  for (const WebhookConfig& hook : config_.webhooks) {
    const std::string url = sdk::load_secret(hook.url);
    // Checked here too for a URL from a file or the environment; the message cannot show it.
    if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0)
      throw sdk::SecretError(hook.url.key + ": must start with https:// or http://");
    const std::string key =
        hook.hmac_secret.empty() ? std::string() : sdk::load_secret(hook.hmac_secret);
    if (hook.format == Format::kDiscordStatus) {
      statuses_.push_back(std::make_unique<DiscordStatus>(
          hook, url, state_path_base() + "-" + hook.name + ".status-id", log_, host_));
    } else {
      webhooks_.push_back(std::make_unique<Webhook>(hook, url, key, log_, host_));
    }
  }

  const Instant t = now();
  std::vector<FiringRecord> restored;
  if (::mkdir(config_.state_dir.c_str(), 0750) != 0 && errno != EEXIST) {
    log_(FLOWLENS_LOG_ERROR, "cannot create state_dir " + config_.state_dir + ": " +
                                 std::strerror(errno) +
                                 "; firing alerts will be sent again after a restart");
  }
  try {
    restored = load_state_file(state_path());
  } catch (const std::exception& e) {
    // A damaged file must not stop alerting: start empty and say what was lost.
    log_(FLOWLENS_LOG_ERROR, std::string(e.what()) + "; starting with no firing alerts");
  }
  {
    std::lock_guard lock(mutex_);
    engine_.emplace(config_.rules, config_.startup_grace, t);
    const size_t kept = engine_->restore(restored, t);
    if (kept > 0) {
      log_(FLOWLENS_LOG_INFO, std::to_string(kept) +
                                  " alerts still firing from before the restart "
                                  "(not sent again)");
    }
    saved_ = engine_->firing();  // what the file said, minus rules that no longer exist
    stopping_ = false;
  }
  for (auto& w : webhooks_) w->start();
  for (auto& s : statuses_) s->start();
  dispatcher_ = sdk::Thread(host_, "dispatcher", [this] { dispatch_loop(); });
  for (const auto& w : webhooks_) {
    log_(FLOWLENS_LOG_INFO, "webhook '" + w->config().name + "' (" +
                                format_name(w->config().format) + ") sends to " + w->host());
  }
  for (const auto& s : statuses_) {
    log_(FLOWLENS_LOG_INFO,
         "webhook '" + s->config().name + "' (discord_status) keeps a status at " + s->host());
  }
}

void WebhookSink::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  // It hands the waiting group to the webhooks before leaving. Not running when start failed
  // half way; stop is also called again by the destructor, with nothing left to do.
  dispatcher_.join();
  for (auto& w : webhooks_) w->request_stop(kStopDrain);
  for (auto& w : webhooks_) w->join();
  webhooks_.clear();
  for (auto& s : statuses_) s->stop();
  statuses_.clear();
}

namespace {

// The test alert: a made-up server, so nothing a script acts on (a resolved one for
// Alertmanager, so it does not stay in its list).
Notification test_notice(AlertState state, int64_t now_wall_ms) {
  Notification n;
  n.rule = "alert-test";
  n.condition = "a test message from flowlensd alert-test";
  n.state = state;
  n.server_id = "flowlens-alert-test";
  n.server_name = "FlowLens alert test";
  n.players = 0;
  n.since_wall_ms = now_wall_ms;
  n.at_wall_ms = now_wall_ms;
  return n;
}

// "HTTP 204: accepted", "HTTP 404: refused, the webhook does not exist (it would be disabled)".
std::string judge_answer(const AttemptResult& r, bool& accepted) {
  accepted = r.status >= 200 && r.status < 300;
  if (r.status == 0) return r.transport_error;
  std::string line = "HTTP " + std::to_string(r.status) + ": ";
  if (accepted) return line + "accepted";
  if (r.status == 401 || r.status == 403)
    return line + "refused, not allowed (it would be disabled)";
  if (r.status == 404 || r.status == 410) {
    return line + "refused, the webhook does not exist (it would be disabled)";
  }
  if (r.status == 429) return line + "rate limited (it would retry later)";
  if (r.status >= 500) return line + "the receiver failed (it would retry)";
  return line + "refused";
}

}  // namespace

bool WebhookSink::self_test(std::string& report) {
  const int64_t wall = now().wall_ms;
  const MessageContext ctx{daemon_host_, instance_, wall};
  bool all = true;
  auto line = [&](const WebhookConfig& c, const std::string& host, const AttemptResult& r) {
    bool accepted = false;
    const std::string answer = judge_answer(r, accepted);
    all = all && accepted;
    report += c.name + " (" + format_name(c.format) + ", host " + host + "): " + answer + "\n";
  };
  for (auto& w : webhooks_) {
    const AlertState state =
        w->config().format == Format::kAlertmanager ? AlertState::kResolved : AlertState::kFiring;
    const std::vector<std::string> bodies =
        render_for(w->config(), {test_notice(state, wall)}, ctx);
    if (!bodies.empty()) line(w->config(), w->host(), w->send_now(bodies.front()));
  }
  for (auto& s : statuses_) {
    // A separate message: the status message itself is left as it is.
    WebhookConfig as_discord = s->config();
    as_discord.format = Format::kDiscord;
    const std::vector<std::string> bodies =
        render_discord({test_notice(AlertState::kFiring, wall)}, as_discord, ctx);
    line(s->config(), s->host(), s->send_now(bodies.front()));
  }
  if (webhooks_.empty() && statuses_.empty()) {
    report = "no webhooks configured";
    return false;
  }
  return all;
}

void WebhookSink::on_snapshot(const std::vector<ServerObservation>& servers) {
  evaluate(servers, now());
  if (!statuses_.empty()) update_status(servers);
}

void WebhookSink::update_status(const std::vector<ServerObservation>& servers) {
  std::string text = discord_status_text(servers);
  if (text == last_status_text_) return;  // edited only when something shown changed
  const MessageContext ctx{daemon_host_, instance_, now().wall_ms};
  for (auto& s : statuses_) s->update(render_discord_status(text, s->config(), ctx));
  last_status_text_ = std::move(text);
}

void WebhookSink::evaluate(const std::vector<ServerObservation>& servers, Instant t) {
  std::vector<Notification> notes;
  {
    std::lock_guard lock(mutex_);
    if (!engine_) return;
    notes = engine_->evaluate(servers, t);
    std::vector<Notification> to_send;
    for (const Notification& n : notes) {
      if (n.send) to_send.push_back(n);
    }
    grouper_.add(std::move(to_send), t.mono_ms);
    persist();
  }
  wake_.notify_all();
  for (const Notification& n : notes) {
    if (n.repeat) continue;
    log_(FLOWLENS_LOG_INFO, plain_summary(n));
    try {
      emit_(event_kind(n.kind), plain_summary(n), n.server_id,
            n.players ? static_cast<double>(*n.players) : 0.0);
    } catch (const std::exception& e) {
      log_(FLOWLENS_LOG_WARN, std::string("cannot emit the alert event: ") + e.what());
    }
  }
}

void WebhookSink::persist() {
  std::vector<FiringRecord> told = told_firing(engine_->firing(), grouper_.pending());
  if (same_alerts(told, saved_)) return;
  try {
    save_state_file(state_path(), told);
    saved_ = std::move(told);
    last_save_error_.clear();
  } catch (const std::exception& e) {
    if (last_save_error_ != e.what()) {  // once per distinct failure, not once per tick
      last_save_error_ = e.what();
      log_(FLOWLENS_LOG_ERROR, last_save_error_ +
                                   "; firing alerts may be sent again after a "
                                   "restart");
    }
  }
}

void WebhookSink::send_to(Webhook& w, const std::vector<Notification>& notes) {
  const std::vector<std::string>& only = w.config().rules;
  std::vector<Notification> mine;
  for (const Notification& n : notes) {
    if (only.empty() || std::find(only.begin(), only.end(), n.rule) != only.end()) {
      mine.push_back(n);
    }
  }
  if (mine.empty()) return;
  const MessageContext ctx{daemon_host_, instance_, now().wall_ms};
  w.enqueue(render_for(w.config(), mine, ctx));
}

void WebhookSink::dispatch_loop() {
  // Alertmanager webhooks re-send what is firing, each at its own period.
  std::map<Webhook*, int64_t> next_resend;
  for (auto& w : webhooks_) {
    if (w->config().format == Format::kAlertmanager) {
      next_resend[w.get()] = now().mono_ms + w->config().resend_interval.count();
    }
  }
  std::unique_lock lock(mutex_);
  for (;;) {
    std::optional<int64_t> due = grouper_.due_at();
    for (const auto& [w, at] : next_resend) due = due ? std::min(*due, at) : at;
    const int64_t t = now().mono_ms;
    if (!stopping_ && (!due || *due > t)) {
      if (due) {
        wake_.wait_for(lock, Millis(*due - t));
      } else {
        wake_.wait(lock);
      }
      continue;
    }
    std::vector<Notification> group = grouper_.take_if_due(t, stopping_);
    std::vector<std::pair<Webhook*, std::vector<Notification>>> resends;
    for (auto& [w, at] : next_resend) {
      if (at > t) continue;
      at = t + w->config().resend_interval.count();
      resends.emplace_back(w, engine_->firing_notifications(now()));
    }
    const bool leaving = stopping_;
    lock.unlock();
    if (!group.empty()) {
      for (auto& w : webhooks_) send_to(*w, group);
    }
    for (auto& [w, notes] : resends) send_to(*w, notes);
    lock.lock();
    // The group is with the webhooks now: the receivers count as told.
    if (!group.empty()) persist();
    if (leaving) return;
  }
}

}  // namespace flowlens::webhook
