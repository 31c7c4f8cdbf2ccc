// SPDX-License-Identifier: BSD-2-Clause
// Config: what is accepted, and errors that name the place (rules[1].for) and the reason.
#include "config.h"

#include <flowlens/sdk/config.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace flowlens::webhook {
namespace {

using namespace std::chrono_literals;

SinkConfig parse(const char* text) {
  const boost::json::value doc = boost::json::parse(text);
  return parse_config(sdk::Config(doc.as_object()));
}

std::string error_of(const char* text) {
  try {
    parse(text);
  } catch (const sdk::ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(WebhookConfig, FullExampleParses) {
  const SinkConfig c = parse(R"({
    "state_dir": "/tmp/x", "group_wait": "5s",
    "rules": [
      {"name": "rust-full", "select": {"labels": {"game": "rust"}}, "when": "full",
       "capacity_label": "max_players", "for": "1m", "clear": 45, "repeat_interval": "4h"},
      {"name": "idle", "when": "empty", "for": "30m", "first_player_grace": "15m",
       "send_resolved": false},
      {"name": "busy", "select": {"server": "mc"}, "when": "players >= 20", "clear_for": 90}
    ],
    "webhooks": [
      {"name": "discord", "format": "discord", "url_env": "DISCORD_URL",
       "mention_roles": ["123"], "headers": {"X-Tag": "flowlens"}},
      {"name": "am", "format": "alertmanager", "url": "http://127.0.0.1:9093", "rules": ["busy"]}
    ]})");
  EXPECT_EQ(c.group_wait, 5s);
  ASSERT_EQ(c.rules.size(), 3u);
  EXPECT_EQ(c.rules[0].condition, ConditionKind::kFull);
  EXPECT_EQ(c.rules[0].selector.labels.at("game"), "rust");
  EXPECT_EQ(c.rules[0].for_duration, 60s);
  EXPECT_EQ(c.rules[0].clear, 45);
  EXPECT_EQ(c.rules[0].repeat_interval, 4h);
  EXPECT_EQ(c.rules[1].first_player_grace, 15min);
  EXPECT_FALSE(c.rules[1].send_resolved);
  EXPECT_EQ(c.rules[2].threshold, 20);
  EXPECT_EQ(c.rules[2].selector.server_id, "mc");
  EXPECT_EQ(c.rules[2].clear_for, 90s);
  EXPECT_EQ(c.webhooks[0].url.env, "DISCORD_URL");
  EXPECT_EQ(c.webhooks[1].format, Format::kAlertmanager);
}

TEST(WebhookConfig, ErrorsNameThePlace) {
  struct Row {
    const char* config;
    const char* expected;
  };
  const Row rows[] = {
      {R"({"colour": 1})", "colour: unknown key"},
      {R"({"rules": [{"name": "a", "when": "players >= 5"}]})", "webhooks: rules are set but no"},
      {R"({"rules": [{"name": "a", "when": "players > 5"}], "webhooks": []})",
       "rules[0].when: 'players > 5' is not a condition"},
      {R"({"rules": [{"name": "a", "when": "empty"}, {"name": "b", "when": "full", "for": "soon"}]})",
       "rules[1].for: expected a duration"},
      {R"({"rules": [{"name": "a", "when": "players >= 5", "clear": 6}]})",
       "rules[0].clear: must be below the threshold 5"},
      {R"({"rules": [{"name": "a", "when": "players <= 5", "clear": 5}]})",
       "rules[0].clear: must be above the threshold 5"},
      {R"({"rules": [{"name": "a", "when": "empty", "capacity": 5}]})",
       "rules[0].capacity: only for when: full"},
      {R"({"rules": [{"name": "a", "when": "empty"}, {"name": "a", "when": "full"}]})",
       "rules[1].name: 'a' is used twice"},
      {R"({"webhooks": [{"name": "w"}]})", "webhooks[0].url: required"},
      {R"({"webhooks": [{"name": "w", "url": "x", "url_env": "Y"}]})",
       "webhooks[0].url: give only one"},
      {R"({"webhooks": [{"name": "w", "url": "ftp://secret-token"}]})",
       "webhooks[0].url: must start with https://"},
      {R"({"webhooks": [{"name": "w", "url_env": "U", "format": "teams"}]})",
       "webhooks[0].format: 'teams' is not one of"},
      {R"({"webhooks": [{"name": "w", "url_env": "U", "format": "slack", "hmac_secret": "k"}]})",
       "webhooks[0].hmac_secret: only for format: json"},
      {R"({"webhooks": [{"name": "w", "url_env": "U", "format": "discord", "mention_roles": ["@everyone"]}]})",
       "webhooks[0].mention_roles: '@everyone' is not a Discord role id"},
      {R"({"webhooks": [{"name": "w", "url_env": "U", "headers": {"X-A": "b\r\nEvil: 1"}}]})",
       "webhooks[0].headers.X-A: not a valid header"},
      {R"({"webhooks": [{"name": "w", "url_env": "U", "rules": ["nope"]}]})",
       "webhooks[0].rules: no rule named 'nope'"},
      {R"({"state_dir": "relative"})", "state_dir: must be an absolute path"},
      {R"({"rules": [{"name": "a", "when": "empty"}], "webhooks": [{"name": "w", "url_env": "U",
          "format": "discord_status", "rules": ["a"]}]})",
       "webhooks[0].rules: not for format: discord_status"},
      {R"({"webhooks": [{"name": "w", "url_env": "U", "status_interval": "5s"}]})",
       "webhooks[0].status_interval: only for format: discord_status"},
      {R"({"webhooks": [{"name": "w", "url_env": "U", "format": "discord_status",
          "status_interval": "1s"}]})",
       "webhooks[0].status_interval: expected a duration"},
  };
  for (const Row& row : rows) {
    const std::string error = error_of(row.config);
    EXPECT_EQ(error.rfind(row.expected, 0), 0u) << row.config << "\n  got: " << error;
  }
}

TEST(WebhookConfig, TheUrlNeverAppearsInAnError) {
  const std::string error =
      error_of(R"({"webhooks": [{"name": "w", "url": "discord.com/api/webhooks/1/TOKEN"}]})");
  EXPECT_EQ(error.find("TOKEN"), std::string::npos) << error;
}

TEST(WebhookConfig, EmptySectionIsValidAndQuiet) {
  const SinkConfig c = parse("{}");
  EXPECT_TRUE(c.rules.empty());
  EXPECT_EQ(c.state_dir, kDefaultStateDir);
  EXPECT_EQ(c.group_wait, kDefaultGroupWait);
}

}  // namespace
}  // namespace flowlens::webhook
