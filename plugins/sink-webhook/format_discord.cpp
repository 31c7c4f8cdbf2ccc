// SPDX-License-Identifier: BSD-2-Clause
// Discord webhook messages: a short `content` line (with the configured mentions), and the
// alerts as embed descriptions, packed up to Discord's per-embed and per-message limits.
#include "formats.h"
#include "text.h"

#include <boost/json.hpp>

namespace flowlens::webhook {
namespace {

namespace json = boost::json;

constexpr int64_t kColourFiring = 0xE74C3C;
constexpr int64_t kColourResolved = 0x2ECC71;

std::string discord_line(const Notification& n) {
  std::string s = "**" + escape_discord(n.rule) + "** · " + escape_discord(n.server_name);
  if (n.server_name != n.server_id) s += " (" + escape_discord(n.server_id) + ")";
  s += ": ";
  s += n.players ? std::to_string(*n.players) + " players"
                 : "players unknown (" + escape_discord(n.unknown_reason) + ")";
  s += " · " + escape_discord(n.condition);
  if (n.state == AlertState::kFiring) {
    // Discord renders <t:SECONDS:R> as "5 minutes ago" in the reader's own time zone.
    s += " · since <t:" + std::to_string(n.since_wall_ms / 1000) + ":R>";
    if (n.repeat) s += " · still firing";
  } else {
    s += " · lasted " + short_duration(n.at_wall_ms - n.since_wall_ms);
  }
  return truncate_utf16(s, kChatLineMax);
}

struct Embed {
  AlertState state;
  std::string description;
};

struct Message {
  std::vector<Embed> embeds;
  size_t text_units = 0;  // titles + descriptions, counted against kDiscordEmbedTotalMax
  size_t firing = 0;
  size_t resolved = 0;
};

const char* title_of(AlertState state) {
  return state == AlertState::kFiring ? "Firing" : "Resolved";
}

}  // namespace

std::vector<std::string> render_discord(const std::vector<Notification>& notes,
                                        const WebhookConfig& hook, const MessageContext& ctx) {
  std::vector<Message> messages(1);
  // Firing first: the reader sees what needs attention before what went away.
  for (AlertState state : {AlertState::kFiring, AlertState::kResolved}) {
    for (const Notification& n : notes) {
      if (n.state != state) continue;
      const std::string line = discord_line(n);
      const size_t units = utf16_length(line) + 1;  // + the newline joining lines
      Message* m = &messages.back();
      Embed* last = m->embeds.empty() ? nullptr : &m->embeds.back();
      const bool fits_last =
          last && last->state == state &&
          utf16_length(last->description) + units <= kDiscordEmbedDescriptionMax &&
          m->text_units + units <= kDiscordEmbedTotalMax;
      if (!fits_last) {
        const size_t title_units = utf16_length(title_of(state));
        const bool fits_new = m->embeds.size() < kDiscordEmbedsMax &&
                              m->text_units + title_units + units <= kDiscordEmbedTotalMax;
        if (!fits_new) {
          messages.emplace_back();
          m = &messages.back();
        }
        m->embeds.push_back({state, {}});
        m->text_units += title_units;
        last = &m->embeds.back();
      }
      if (!last->description.empty()) last->description += '\n';
      last->description += line;
      m->text_units += units;
      (state == AlertState::kFiring ? m->firing : m->resolved) += 1;
    }
  }
  if (messages.back().embeds.empty()) messages.pop_back();

  std::string mentions;
  for (const std::string& id : hook.mention_roles) mentions += "<@&" + id + "> ";
  for (const std::string& id : hook.mention_users) mentions += "<@" + id + "> ";

  std::vector<std::string> out;
  for (size_t i = 0; i < messages.size(); ++i) {
    const Message& m = messages[i];
    std::string content = mentions + "**FlowLens** on " + escape_discord(ctx.daemon_host) + ": ";
    if (m.firing) content += std::to_string(m.firing) + " firing";
    if (m.firing && m.resolved) content += ", ";
    if (m.resolved) content += std::to_string(m.resolved) + " resolved";
    if (messages.size() > 1) {
      content += " (" + std::to_string(i + 1) + "/" + std::to_string(messages.size()) + ")";
    }
    json::array embeds;
    for (const Embed& e : m.embeds) {
      embeds.push_back(json::object{
          {"title", title_of(e.state)},
          {"description", e.description},
          {"color", e.state == AlertState::kFiring ? kColourFiring : kColourResolved}});
    }
    // Always set, with an empty `parse`: nothing in a server name or label can ping @everyone
    // or a role; only the ids configured here may be mentioned.
    json::array roles(hook.mention_roles.begin(), hook.mention_roles.end());
    json::array users(hook.mention_users.begin(), hook.mention_users.end());
    json::object body{{"content", truncate_utf16(content, kDiscordContentMax)},
                      {"embeds", std::move(embeds)},
                      {"allowed_mentions",
                       json::object{{"parse", json::array{}}, {"roles", roles}, {"users", users}}}};
    if (!hook.username.empty()) body["username"] = hook.username;
    out.push_back(json::serialize(body));
  }
  return out;
}

}  // namespace flowlens::webhook
