// SPDX-License-Identifier: BSD-2-Clause
// The Discord live-status message: every server and its players in one embed, edited in place.
#include "formats.h"
#include "text.h"

#include <boost/json.hpp>

#include <algorithm>

namespace flowlens::webhook {

std::string discord_status_text(const std::vector<ServerObservation>& servers) {
  std::vector<const ServerObservation*> sorted;
  for (const ServerObservation& s : servers) sorted.push_back(&s);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return a->name != b->name ? a->name < b->name : a->id < b->id;
  });
  std::string text;
  size_t shown = 0;
  // Room kept for the "… and N more" line when the list does not fit.
  constexpr size_t kTailRoom = 40;
  for (const ServerObservation* s : sorted) {
    std::string line = "**" + escape_discord(s->name.empty() ? s->id : s->name) + "** — ";
    line += s->known ? std::to_string(s->players) + (s->players == 1 ? " player" : " players")
                     : "unknown";
    line = truncate_utf16(line, kChatLineMax);
    if (utf16_length(text) + utf16_length(line) + 1 + kTailRoom > kDiscordEmbedDescriptionMax) {
      break;
    }
    if (!text.empty()) text += '\n';
    text += line;
    ++shown;
  }
  if (shown < sorted.size()) {
    text += "\n… and " + std::to_string(sorted.size() - shown) + " more servers";
  }
  if (sorted.empty()) text = "no servers";
  return text;
}

std::string render_discord_status(const std::string& description, const WebhookConfig& hook,
                                  const MessageContext& ctx) {
  namespace json = boost::json;
  json::object embed{
      {"title", truncate_utf16("Players on " + ctx.daemon_host, kDiscordEmbedTitleMax)},
      {"description", description},
      {"timestamp", rfc3339(ctx.now_wall_ms)}};
  json::object body{{"content", ""},
                    {"embeds", json::array{std::move(embed)}},
                    {"allowed_mentions", json::object{{"parse", json::array{}}}}};
  if (!hook.username.empty()) body["username"] = hook.username;
  return json::serialize(body);
}

}  // namespace flowlens::webhook
