// SPDX-License-Identifier: BSD-2-Clause
// Generic JSON (schema flowlens.alerts/v1) and Alertmanager's v2 alert list.
#include "formats.h"
#include "text.h"

#include <boost/json.hpp>

#include <cctype>

namespace flowlens::webhook {
namespace {

namespace json = boost::json;

json::object json_alert(const Notification& n) {
  json::object a;
  a["alert"] = n.rule;
  a["condition"] = n.condition;
  a["state"] = n.state == AlertState::kFiring ? "firing" : "resolved";
  a["repeat"] = n.repeat;
  a["server_id"] = n.server_id;
  a["server_name"] = n.server_name;
  json::object labels;
  for (const auto& [k, v] : n.labels) labels[k] = v;
  a["labels"] = std::move(labels);
  a["known"] = n.players.has_value();
  // Unknown is null, never 0: a script acting on 0 would stop a server it cannot see.
  a["players"] = n.players ? json::value(*n.players) : json::value(nullptr);
  a["unknown_reason"] = n.players ? json::value(nullptr) : json::value(n.unknown_reason);
  a["threshold"] = n.threshold ? json::value(*n.threshold) : json::value(nullptr);
  a["since"] = rfc3339(n.since_wall_ms);
  a["ended_at"] =
      n.state == AlertState::kResolved ? json::value(rfc3339(n.at_wall_ms)) : json::value(nullptr);
  return a;
}

// Alertmanager label names must match [a-zA-Z_][a-zA-Z0-9_]*.
std::string label_name(const std::string& key) {
  std::string out;
  // A leading digit is not allowed: prefix an underscore.
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) out += '_';
  for (char c : key) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

json::object alertmanager_alert(const Notification& n, const MessageContext& ctx,
                                Millis resend_interval) {
  json::object labels;
  // Server labels first, so the identifying labels below win a name clash.
  for (const auto& [k, v] : n.labels) labels[label_name(k)] = v;
  labels["alertname"] = n.rule;
  labels["server_id"] = n.server_id;
  labels["flowlens_host"] = ctx.daemon_host;
  labels["flowlens_instance"] = ctx.instance;
  json::object annotations;
  annotations["summary"] = plain_summary(n);
  annotations["condition"] = n.condition;
  annotations["server_name"] = n.server_name;
  annotations["players"] = n.players ? std::to_string(*n.players) : "unknown";
  if (!n.players && !n.unknown_reason.empty()) annotations["unknown_reason"] = n.unknown_reason;
  json::object a;
  a["labels"] = std::move(labels);
  a["annotations"] = std::move(annotations);
  a["startsAt"] = rfc3339(n.since_wall_ms);
  // Prometheus sends endsAt four evaluation periods ahead for the same reason.
  a["endsAt"] = n.state == AlertState::kResolved
                    ? rfc3339(n.at_wall_ms)
                    : rfc3339(ctx.now_wall_ms + 4 * resend_interval.count());
  return a;
}

}  // namespace

std::vector<std::string> render_json(const std::vector<Notification>& notes,
                                     const MessageContext& ctx) {
  std::vector<std::string> out;
  for (size_t first = 0; first < notes.size(); first += kAlertsPerJsonMessage) {
    json::array alerts;
    for (size_t i = first; i < notes.size() && i < first + kAlertsPerJsonMessage; ++i) {
      alerts.push_back(json_alert(notes[i]));
    }
    json::object body;
    body["schema"] = kJsonSchema;
    body["daemon_host"] = ctx.daemon_host;
    body["instance"] = ctx.instance;
    body["sent_at"] = rfc3339(ctx.now_wall_ms);
    body["alerts"] = std::move(alerts);
    out.push_back(json::serialize(body));
  }
  return out;
}

std::vector<std::string> render_alertmanager(const std::vector<Notification>& notes,
                                             const MessageContext& ctx, Millis resend_interval) {
  std::vector<std::string> out;
  for (size_t first = 0; first < notes.size(); first += kAlertsPerJsonMessage) {
    json::array alerts;
    for (size_t i = first; i < notes.size() && i < first + kAlertsPerJsonMessage; ++i) {
      alerts.push_back(alertmanager_alert(notes[i], ctx, resend_interval));
    }
    out.push_back(json::serialize(alerts));
  }
  return out;
}

std::string plain_summary(const Notification& n) {
  std::string players = n.players ? std::to_string(*n.players) + " players"
                                  : "players unknown (" + n.unknown_reason + ")";
  std::string who =
      n.server_name == n.server_id ? n.server_id : n.server_name + " (" + n.server_id + ")";
  const char* state = n.state == AlertState::kFiring ? "firing" : "resolved";
  return n.rule + " " + state + ": " + who + ", " + players + " [" + n.condition + "]";
}

std::vector<std::string> render_for(const WebhookConfig& hook,
                                    const std::vector<Notification>& notes,
                                    const MessageContext& ctx) {
  switch (hook.format) {
    case Format::kJson:
      return render_json(notes, ctx);
    case Format::kDiscord:
      return render_discord(notes, hook, ctx);
    case Format::kSlack:
      return render_slack(notes, ctx);
    case Format::kAlertmanager:
      return render_alertmanager(notes, ctx, hook.resend_interval);
    case Format::kDiscordStatus:
      return {};  // a status message carries no alerts
  }
  return {};
}

}  // namespace flowlens::webhook
