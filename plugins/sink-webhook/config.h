/* SPDX-License-Identifier: BSD-2-Clause */
// sink-webhook configuration: plain structs with named defaults, parsed strictly from the
// instance's section. Every error names its place: `rules[2].for: ...`.
#pragma once

#include "rule.h"

#include <flowlens/sdk/config.hpp>
#include <flowlens/sdk/secret.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace flowlens::webhook {

using namespace std::chrono_literals;

// Where the firing state is kept across restarts (the package creates it).
inline constexpr const char* kDefaultStateDir = "/var/lib/flowlens";
// Crossings within this window of the first go out as one message (Alertmanager's default).
inline constexpr Millis kDefaultGroupWait = 10s;
// At start every server is unknown until its first tick: `unknown` waits this long for servers
// not yet seen known, so a daemon start never fires.
inline constexpr Millis kDefaultStartupGrace = 60s;
// A receiver that has not answered within this is treated as down (and retried).
inline constexpr Millis kDefaultTimeout = 10s;
// Attempts per message before it is dropped with an error (timeouts, 5xx, 429).
inline constexpr int kDefaultMaxAttempts = 5;
// Messages waiting per webhook; beyond it the oldest is dropped (and counted in the log).
inline constexpr size_t kDefaultQueueLimit = 256;
// Alertmanager forgets an alert not re-sent within its resolve_timeout (5m): re-send firing
// alerts this often, with endsAt a few periods ahead, as Prometheus does.
inline constexpr Millis kDefaultAlertmanagerResend = 60s;
// discord_status: at most one edit per this (Discord allows about 5 requests per 2 s per
// webhook, shared with everything else posting through it).
inline constexpr Millis kDefaultStatusInterval = 30s;
inline constexpr Millis kMinStatusInterval = 2s;

inline constexpr Millis kMinDuration = 0ms;
inline constexpr Millis kMaxDuration = 7 * 24h;

// kDiscordStatus is not an alert format: one Discord message listing every server and its
// players, posted once and then edited in place.
enum class Format { kJson, kDiscord, kSlack, kAlertmanager, kDiscordStatus };

// Secrets are given inline, in a file (KEY_file) or in an environment variable (KEY_env) and
// read at start (sdk/secret.hpp): check-config needs neither the file nor the environment.
using sdk::SecretSource;

struct WebhookConfig {
  std::string name;
  Format format = Format::kJson;
  // The URL carries the token (Discord, Slack): never logged, only its host.
  SecretSource url;
  std::map<std::string, std::string> headers;
  Millis timeout = kDefaultTimeout;
  int max_attempts = kDefaultMaxAttempts;
  size_t queue_limit = kDefaultQueueLimit;
  // json: HMAC-SHA256 key for the X-FlowLens-Signature header; empty: no signature.
  SecretSource hmac_secret;
  // discord: who may be pinged; nobody unless listed here (allowed_mentions).
  std::vector<std::string> mention_roles;
  std::vector<std::string> mention_users;
  std::string username;
  // alertmanager: re-send period of firing alerts.
  Millis resend_interval = kDefaultAlertmanagerResend;
  // Only these rules (by name); empty: every rule.
  std::vector<std::string> rules;
  // discord_status: the shortest time between two edits of the status message.
  Millis status_interval = kDefaultStatusInterval;
};

struct SinkConfig {
  std::string state_dir = kDefaultStateDir;
  Millis group_wait = kDefaultGroupWait;
  Millis startup_grace = kDefaultStartupGrace;
  std::vector<Rule> rules;
  std::vector<WebhookConfig> webhooks;
};

// Parses the instance's section; throws sdk::ConfigError "PATH: message".
SinkConfig parse_config(const sdk::Config& section);

const char* format_name(Format format);

}  // namespace flowlens::webhook
