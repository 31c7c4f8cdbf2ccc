/* SPDX-License-Identifier: BSD-2-Clause */
// The four message formats. Each turns one group of notifications into one or more request
// bodies, split only where the receiver's documented limits force it.
#pragma once

#include "config.h"
#include "notification.h"
#include "observation.h"

#include <cstddef>
#include <string>
#include <vector>

namespace flowlens::webhook {

// Discord's documented limits for a webhook message.
inline constexpr size_t kDiscordContentMax = 2000;
inline constexpr size_t kDiscordEmbedsMax = 10;
inline constexpr size_t kDiscordEmbedTitleMax = 256;
inline constexpr size_t kDiscordEmbedDescriptionMax = 4096;
// Sum of every embed's title and description (and other text) in one message.
inline constexpr size_t kDiscordEmbedTotalMax = 6000;
// Slack's documented limits: blocks per message, text of one section block.
inline constexpr size_t kSlackBlocksMax = 50;
inline constexpr size_t kSlackSectionTextMax = 3000;
// The `text` fallback: Slack truncates past 40,000 but notifications show only the start.
inline constexpr size_t kSlackFallbackMax = 3000;
// JSON and Alertmanager have no hard limit; bound the body anyway so one group of thousands of
// servers does not become one multi-megabyte request.
inline constexpr size_t kAlertsPerJsonMessage = 100;
// One alert line in chat formats: long names are cut so any line fits in any message.
inline constexpr size_t kChatLineMax = 400;

static_assert(kChatLineMax < kDiscordEmbedDescriptionMax && kChatLineMax < kSlackSectionTextMax,
              "one alert line must always fit in one embed / section");

// The JSON schema version (documented in the README); a breaking change gets a new one.
inline constexpr const char* kJsonSchema = "flowlens.alerts/v1";

struct MessageContext {
  // The daemon's host name, so a receiver of several hosts knows which one speaks.
  std::string daemon_host;
  // The sink-webhook instance's name in the config.
  std::string instance;
  int64_t now_wall_ms = 0;
};

std::vector<std::string> render_json(const std::vector<Notification>& notes,
                                     const MessageContext& ctx);
std::vector<std::string> render_discord(const std::vector<Notification>& notes,
                                        const WebhookConfig& hook, const MessageContext& ctx);
std::vector<std::string> render_slack(const std::vector<Notification>& notes,
                                      const MessageContext& ctx);
// Alertmanager's POST /api/v2/alerts body. Firing alerts get endsAt a few resend periods ahead
// (so Alertmanager keeps them while re-sends arrive); resolved ones end at their resolve time.
std::vector<std::string> render_alertmanager(const std::vector<Notification>& notes,
                                             const MessageContext& ctx, Millis resend_interval);

// The bodies for `hook`'s format.
std::vector<std::string> render_for(const WebhookConfig& hook,
                                    const std::vector<Notification>& notes,
                                    const MessageContext& ctx);

// The Discord live status: one line per server ("**Name** — 12 players", unknown as
// "unknown"), by name, cut to one embed's description with "… and N more servers".
std::string discord_status_text(const std::vector<ServerObservation>& servers);
// The status message's body (POST with ?wait=true, then PATCH) for that text.
std::string render_discord_status(const std::string& description, const WebhookConfig& hook,
                                  const MessageContext& ctx);

// A one-line summary of one alert, plain text (logs, Alertmanager's summary).
std::string plain_summary(const Notification& note);

}  // namespace flowlens::webhook
