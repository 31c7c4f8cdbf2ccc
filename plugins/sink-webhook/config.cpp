// SPDX-License-Identifier: BSD-2-Clause
#include "config.h"

#include <flowlens/sdk/config.hpp>

#include <boost/json.hpp>

#include <charconv>
#include <initializer_list>
#include <set>
#include <string_view>

namespace flowlens::webhook {
namespace {

namespace json = boost::json;

using Section = sdk::Config;

// "players >= 20", "players<=2", "empty", "full", "unknown".
void parse_condition(const Section& s, Rule& rule) {
  const std::string when = s.get_string("when", "");
  if (when.empty()) s.fail("when", "required: players >= N, players <= N, empty, full or unknown");
  std::string compact;
  for (char c : when) {
    if (c != ' ' && c != '\t') compact += c;
  }
  auto number_after = [&](std::string_view prefix) -> std::optional<int64_t> {
    if (compact.rfind(prefix, 0) != 0) return std::nullopt;
    const char* begin = compact.data() + prefix.size();
    const char* end = compact.data() + compact.size();
    int64_t n = -1;
    auto [p, ec] = std::from_chars(begin, end, n);
    if (ec != std::errc() || p != end || begin == end || n < 0 || n > 1'000'000) {
      s.fail("when", "'" + when + "': N must be an integer from 0 to 1000000");
    }
    return n;
  };
  if (auto n = number_after("players>=")) {
    rule.condition = ConditionKind::kPlayersAtLeast;
    rule.threshold = *n;
  } else if (auto n = number_after("players<=")) {
    rule.condition = ConditionKind::kPlayersAtMost;
    rule.threshold = *n;
  } else if (compact == "empty") {
    rule.condition = ConditionKind::kEmpty;
  } else if (compact == "full") {
    rule.condition = ConditionKind::kFull;
  } else if (compact == "unknown") {
    rule.condition = ConditionKind::kUnknown;
  } else {
    s.fail("when",
           "'" + when + "' is not a condition: players >= N, players <= N, empty, full or unknown");
  }
}

void parse_selector(const Section& s, Rule& rule) {
  const json::value* v = s.object().if_contains("select");
  if (v == nullptr) return;  // every server
  if (v->is_string()) {
    if (v->get_string() != "all") s.fail("select", "expected all, {server: ID} or {labels: {...}}");
    return;
  }
  if (!v->is_object()) s.fail("select", "expected all, {server: ID} or {labels: {...}}");
  const Section sel = s.section("select");
  sel.allow_only({"server", "labels"});
  rule.selector.server_id = sel.get_string("server", "");
  rule.selector.labels = sel.get_string_map("labels");
}

Rule parse_rule(const Section& s) {
  s.allow_only({"name", "select", "when", "for", "clear", "clear_for", "repeat_interval",
                "send_resolved", "capacity", "capacity_label", "first_player_grace"});
  Rule rule;
  rule.name = s.get_string("name", "");
  if (rule.name.empty()) s.fail("name", "required: the alert's name, unique in this instance");
  parse_selector(s, rule);
  parse_condition(s, rule);
  rule.for_duration = s.get_duration("for", Millis(0), kMinDuration, kMaxDuration);
  rule.clear_for = s.get_duration("clear_for", Millis(0), kMinDuration, kMaxDuration);
  if (s.has("repeat_interval")) {
    rule.repeat_interval = s.get_duration("repeat_interval", Millis(0), 1s, kMaxDuration);
  }
  rule.send_resolved = s.get_bool("send_resolved", true);
  const bool full = rule.condition == ConditionKind::kFull;
  const bool empty = rule.condition == ConditionKind::kEmpty;
  if (s.has("capacity")) {
    if (!full) s.fail("capacity", "only for when: full");
    rule.capacity = s.get_int("capacity", 0, 1, 1'000'000);
  }
  if (s.has("capacity_label")) {
    if (!full) s.fail("capacity_label", "only for when: full");
    rule.capacity_label = s.get_string("capacity_label", rule.capacity_label);
  }
  if (s.has("first_player_grace")) {
    if (!empty) s.fail("first_player_grace", "only for when: empty");
    rule.first_player_grace =
        s.get_duration("first_player_grace", Millis(0), kMinDuration, kMaxDuration);
  }
  if (s.has("clear")) {
    if (rule.condition == ConditionKind::kUnknown) s.fail("clear", "not for when: unknown");
    const int64_t clear = s.get_int("clear", 0, 0, 1'000'000);
    // The clear threshold must lie on the resolved side, or the alert could never resolve.
    if (rule.condition == ConditionKind::kPlayersAtLeast && clear >= rule.threshold) {
      s.fail("clear", "must be below the threshold " + std::to_string(rule.threshold));
    }
    if (rule.condition == ConditionKind::kPlayersAtMost && clear <= rule.threshold) {
      s.fail("clear", "must be above the threshold " + std::to_string(rule.threshold));
    }
    if (full && rule.capacity && clear >= *rule.capacity) {
      s.fail("clear", "must be below the capacity " + std::to_string(*rule.capacity));
    }
    if (empty && clear < 1) s.fail("clear", "must be at least 1 for when: empty");
    rule.clear = clear;
  }
  return rule;
}

Format parse_format(const Section& s) {
  const std::string f = s.get_string("format", "json");
  if (f == "json") return Format::kJson;
  if (f == "discord") return Format::kDiscord;
  if (f == "slack") return Format::kSlack;
  if (f == "alertmanager") return Format::kAlertmanager;
  if (f == "discord_status") return Format::kDiscordStatus;
  s.fail("format", "'" + f + "' is not one of json, discord, slack, alertmanager, discord_status");
}

WebhookConfig parse_webhook(const Section& s, const std::set<std::string>& rule_names) {
  s.allow_only({"name", "format", "url", "url_file", "url_env", "headers", "timeout",
                "max_attempts", "queue_limit", "hmac_secret", "hmac_secret_file", "hmac_secret_env",
                "mention_roles", "mention_users", "username", "resend_interval", "rules",
                "status_interval"});
  WebhookConfig w;
  w.name = s.get_string("name", "");
  if (w.name.empty()) s.fail("name", "required: a name for this webhook, shown in logs");
  w.format = parse_format(s);
  w.url = sdk::read_secret_source(s, "url", true);
  if (!w.url.value.empty() && w.url.value.rfind("http://", 0) != 0 &&
      w.url.value.rfind("https://", 0) != 0) {
    s.fail("url", "must start with https:// or http://");  // the value itself is a secret
  }
  w.headers = s.get_string_map("headers");
  for (const auto& [k, v] : w.headers) {
    if (k.empty() || k.find_first_of(":\r\n ") != std::string::npos ||
        v.find_first_of("\r\n") != std::string::npos) {
      s.fail("headers." + k, "not a valid header name or value");
    }
  }
  w.timeout = s.get_duration("timeout", kDefaultTimeout, 100ms, 5min);
  w.max_attempts = static_cast<int>(s.get_int("max_attempts", kDefaultMaxAttempts, 1, 100));
  w.queue_limit = static_cast<size_t>(s.get_int("queue_limit", kDefaultQueueLimit, 1, 100'000));
  w.hmac_secret = sdk::read_secret_source(s, "hmac_secret", false);
  if (!w.hmac_secret.empty() && w.format != Format::kJson) {
    s.fail("hmac_secret", "only for format: json");
  }
  w.mention_roles = s.get_string_list("mention_roles", {});
  w.mention_users = s.get_string_list("mention_users", {});
  w.username = s.get_string("username", "");
  if ((!w.mention_roles.empty() || !w.mention_users.empty() || !w.username.empty()) &&
      w.format != Format::kDiscord && w.format != Format::kDiscordStatus) {
    s.fail_here("mention_roles, mention_users and username are only for format: discord");
  }
  for (const std::string& id : w.mention_roles) {
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
      s.fail("mention_roles", "'" + id + "' is not a Discord role id (digits)");
    }
  }
  for (const std::string& id : w.mention_users) {
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos) {
      s.fail("mention_users", "'" + id + "' is not a Discord user id (digits)");
    }
  }
  w.resend_interval =
      s.get_duration("resend_interval", kDefaultAlertmanagerResend, 1s, kMaxDuration);
  w.rules = s.get_string_list("rules", {});
  if (w.format == Format::kDiscordStatus) {
    if (!w.rules.empty()) s.fail("rules", "not for format: discord_status (it lists servers)");
    if (!w.mention_roles.empty() || !w.mention_users.empty()) {
      s.fail_here("a status message mentions nobody: no mention_roles or mention_users");
    }
    w.status_interval =
        s.get_duration("status_interval", kDefaultStatusInterval, kMinStatusInterval, 24h);
  } else if (s.has("status_interval")) {
    s.fail("status_interval", "only for format: discord_status");
  }
  for (const std::string& r : w.rules) {
    if (!rule_names.count(r)) s.fail("rules", "no rule named '" + r + "'");
  }
  return w;
}

}  // namespace

const char* format_name(Format format) {
  switch (format) {
    case Format::kJson:
      return "json";
    case Format::kDiscord:
      return "discord";
    case Format::kSlack:
      return "slack";
    case Format::kAlertmanager:
      return "alertmanager";
    case Format::kDiscordStatus:
      return "discord_status";
  }
  return "?";
}

SinkConfig parse_config(const sdk::Config& s) {
  s.allow_only({"state_dir", "group_wait", "startup_grace", "rules", "webhooks"});
  SinkConfig c;
  c.state_dir = s.get_string("state_dir", kDefaultStateDir);
  if (c.state_dir.empty() || c.state_dir.front() != '/') {
    s.fail("state_dir", "must be an absolute path");
  }
  c.group_wait = s.get_duration("group_wait", kDefaultGroupWait, 0ms, 1h);
  c.startup_grace = s.get_duration("startup_grace", kDefaultStartupGrace, 0ms, 1h);
  std::set<std::string> rule_names;
  for (const Section& r : s.sections("rules")) {
    Rule rule = parse_rule(r);
    if (!rule_names.insert(rule.name).second) r.fail("name", "'" + rule.name + "' is used twice");
    c.rules.push_back(std::move(rule));
  }
  std::set<std::string> webhook_names;
  for (const Section& w : s.sections("webhooks")) {
    WebhookConfig hook = parse_webhook(w, rule_names);
    if (!webhook_names.insert(hook.name).second) {
      w.fail("name", "'" + hook.name + "' is used twice");
    }
    c.webhooks.push_back(std::move(hook));
  }
  if (!c.rules.empty() && c.webhooks.empty()) {
    s.fail("webhooks", "rules are set but no webhook would receive them");
  }
  return c;
}

}  // namespace flowlens::webhook
