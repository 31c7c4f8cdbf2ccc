// SPDX-License-Identifier: BSD-2-Clause
// Message bodies against each receiver's documented limits, and the JSON schema's fields.
#include "formats.h"
#include "text.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <map>
#include <string>

namespace flowlens::webhook {
namespace {

namespace json = boost::json;

Notification alert(int i, AlertState state = AlertState::kFiring) {
  Notification n;
  n.rule = "rust-full";
  n.condition = "players >= 50";
  n.kind = ConditionKind::kPlayersAtLeast;
  n.state = state;
  n.server_id = "rust-" + std::to_string(i);
  n.server_name = "Rust community server number " + std::to_string(i) + " (EU, weekly wipe)";
  n.labels = {{"game", "rust"}};
  n.players = 50 + i % 7;
  n.threshold = 50;
  n.since_wall_ms = 1'700'000'000'000;
  n.at_wall_ms = 1'700'000'600'000;
  return n;
}

std::vector<Notification> many(int count) {
  std::vector<Notification> out;
  for (int i = 0; i < count; ++i)
    out.push_back(alert(i, i % 5 == 0 ? AlertState::kResolved : AlertState::kFiring));
  return out;
}

const MessageContext kCtx{"gamehost-1", "alerts", 1'700'000'600'000};

// How many times each server id appears across `texts`, written as OPEN + id + CLOSE.
std::map<std::string, int> mentions(const std::vector<std::string>& texts, int count,
                                    const std::string& open, const std::string& close) {
  std::map<std::string, int> seen;
  for (const std::string& text : texts) {
    for (int i = 0; i < count; ++i) {
      const std::string needle = open + "rust-" + std::to_string(i) + close;
      for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) {
        ++seen[needle];
      }
    }
  }
  return seen;
}

TEST(DiscordFormat, ThreeHundredServersSplitIntoValidMessages) {
  WebhookConfig hook;
  hook.format = Format::kDiscord;
  const auto bodies = render_discord(many(300), hook, kCtx);
  ASSERT_GT(bodies.size(), 1u);
  for (const std::string& text : bodies) {
    const json::object body = json::parse(text).as_object();
    EXPECT_LE(utf16_length(body.at("content").as_string()), kDiscordContentMax);
    const json::array& embeds = body.at("embeds").as_array();
    EXPECT_GE(embeds.size(), 1u);
    EXPECT_LE(embeds.size(), kDiscordEmbedsMax);
    size_t total = 0;
    for (const json::value& e : embeds) {
      const size_t title = utf16_length(e.at("title").as_string());
      const size_t description = utf16_length(e.at("description").as_string());
      EXPECT_LE(title, kDiscordEmbedTitleMax);
      EXPECT_LE(description, kDiscordEmbedDescriptionMax);
      total += title + description;
    }
    EXPECT_LE(total, kDiscordEmbedTotalMax);
    // Set on every message, nobody pinged unless configured.
    EXPECT_EQ(body.at("allowed_mentions").at("parse").as_array().size(), 0u);
  }
  const auto seen = mentions(bodies, 300, " (", ")");
  EXPECT_EQ(seen.size(), 300u);
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id;
  std::cout << "discord: 300 alerts -> " << bodies.size() << " messages\n";
}

TEST(DiscordFormat, NamesCannotPingEveryoneAndOnlyConfiguredRolesAreAllowed) {
  WebhookConfig hook;
  hook.format = Format::kDiscord;
  hook.mention_roles = {"123456"};
  Notification n = alert(1);
  n.server_name = "@everyone join now";
  const json::object body = json::parse(render_discord({n}, hook, kCtx).at(0)).as_object();
  const json::object& allowed = body.at("allowed_mentions").as_object();
  EXPECT_EQ(allowed.at("parse").as_array().size(), 0u);
  EXPECT_EQ(allowed.at("roles").as_array(), json::array({"123456"}));
  EXPECT_NE(std::string(body.at("content").as_string()).find("<@&123456>"), std::string::npos);
  const std::string description(body.at("embeds").as_array()[0].at("description").as_string());
  EXPECT_EQ(description.find(" @everyone"), std::string::npos) << description;
  EXPECT_NE(description.find("\\@everyone"), std::string::npos) << description;
}

TEST(DiscordFormat, AHugeNameIsCutAndStillFits) {
  WebhookConfig hook;
  hook.format = Format::kDiscord;
  Notification n = alert(1);
  n.server_name = std::string(10'000, 'x');
  const json::object body = json::parse(render_discord({n}, hook, kCtx).at(0)).as_object();
  EXPECT_LE(utf16_length(body.at("embeds").as_array()[0].at("description").as_string()),
            kChatLineMax);
}

TEST(SlackFormat, ThreeHundredServersMakeValidMessagesWithText) {
  const auto bodies = render_slack(many(300), kCtx);
  ASSERT_GE(bodies.size(), 1u);
  for (const std::string& text : bodies) {
    const json::object body = json::parse(text).as_object();
    const std::string fallback(body.at("text").as_string());
    EXPECT_FALSE(fallback.empty());
    EXPECT_LE(utf16_length(fallback), kSlackFallbackMax);
    const json::array& blocks = body.at("blocks").as_array();
    EXPECT_LE(blocks.size(), kSlackBlocksMax);
    for (const json::value& b : blocks) {
      EXPECT_EQ(b.at("type"), "section");
      EXPECT_LE(utf16_length(b.at("text").at("text").as_string()), kSlackSectionTextMax);
    }
  }
  // Every server once in the blocks (the `text` fallback is a cut summary).
  std::vector<std::string> sections;
  for (const std::string& text : bodies) {
    const json::value doc = json::parse(text);
    for (const json::value& b : doc.at("blocks").as_array()) {
      sections.emplace_back(b.at("text").at("text").as_string());
    }
  }
  const auto seen = mentions(sections, 300, "(`", "`)");
  EXPECT_EQ(seen.size(), 300u);
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id;
  std::cout << "slack: 300 alerts -> " << bodies.size() << " messages\n";
}

TEST(SlackFormat, EscapesWhatSlackWouldParse) {
  Notification n = alert(1);
  n.server_name = "<!channel> & co";
  const json::object body = json::parse(render_slack({n}, kCtx).at(0)).as_object();
  const std::string section(body.at("blocks").as_array()[1].at("text").at("text").as_string());
  EXPECT_NE(section.find("&lt;!channel&gt; &amp; co"), std::string::npos) << section;
}

TEST(JsonFormat, SchemaFieldsAndUnknownIsNullNotZero) {
  Notification unknown = alert(2);
  unknown.players.reset();
  unknown.unknown_reason = "bpf not attached";
  const auto bodies = render_json({alert(1, AlertState::kResolved), unknown}, kCtx);
  ASSERT_EQ(bodies.size(), 1u);
  const json::object body = json::parse(bodies[0]).as_object();
  EXPECT_EQ(body.at("schema"), kJsonSchema);
  EXPECT_EQ(body.at("daemon_host"), "gamehost-1");
  const json::array& alerts = body.at("alerts").as_array();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].at("alert"), "rust-full");
  EXPECT_EQ(alerts[0].at("state"), "resolved");
  EXPECT_EQ(alerts[0].at("players"), 51);
  EXPECT_EQ(alerts[0].at("threshold"), 50);
  EXPECT_EQ(alerts[0].at("since"), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(alerts[0].at("ended_at"), "2023-11-14T22:23:20.000Z");
  EXPECT_TRUE(alerts[1].at("players").is_null());
  EXPECT_EQ(alerts[1].at("known"), false);
  EXPECT_EQ(alerts[1].at("unknown_reason"), "bpf not attached");
  EXPECT_TRUE(alerts[1].at("ended_at").is_null());
}

TEST(JsonFormat, LargeGroupsAreSplitIntoBoundedBodies) {
  EXPECT_EQ(render_json(many(300), kCtx).size(), 3u);
}

TEST(AlertmanagerFormat, LabelsAnnotationsAndEndsAt) {
  Notification firing = alert(1);
  firing.labels = {{"game", "rust"}, {"com.example/tier", "gold"}, {"1st", "x"}};
  const json::array alerts =
      json::parse(render_alertmanager({firing, alert(2, AlertState::kResolved)}, kCtx,
                                      std::chrono::seconds(60))
                      .at(0))
          .as_array();
  ASSERT_EQ(alerts.size(), 2u);
  const json::object& labels = alerts[0].at("labels").as_object();
  EXPECT_EQ(labels.at("alertname"), "rust-full");
  EXPECT_EQ(labels.at("server_id"), "rust-1");
  EXPECT_EQ(labels.at("com_example_tier"), "gold");
  EXPECT_EQ(labels.at("_1st"), "x");
  EXPECT_EQ(alerts[0].at("annotations").at("players"), "51");
  EXPECT_EQ(alerts[0].at("startsAt"), "2023-11-14T22:13:20.000Z");
  // Firing: endsAt four re-send periods ahead; resolved: when it ended.
  EXPECT_EQ(alerts[0].at("endsAt"), "2023-11-14T22:27:20.000Z");
  EXPECT_EQ(alerts[1].at("endsAt"), "2023-11-14T22:23:20.000Z");
}

TEST(DiscordStatusFormat, ListsServersByNameUnknownAsUnknownAndFitsOneEmbed) {
  std::vector<ServerObservation> servers;
  for (int i = 0; i < 1000; ++i) {
    ServerObservation s;
    s.id = "srv-" + std::to_string(1000 + i);
    s.name = s.id;
    s.known = i != 0;
    s.players = static_cast<uint32_t>(i % 40);
    servers.push_back(s);
  }
  const std::string text = discord_status_text(servers);
  EXPECT_LE(utf16_length(text), kDiscordEmbedDescriptionMax);
  EXPECT_EQ(text.rfind("**srv-1000** — unknown\n**srv-1001** — 1 player\n", 0), 0u) << text;
  EXPECT_NE(text.find(" more servers"), std::string::npos);
  WebhookConfig hook;
  const json::object body = json::parse(render_discord_status(text, hook, kCtx)).as_object();
  EXPECT_EQ(body.at("allowed_mentions").at("parse").as_array().size(), 0u);
  EXPECT_EQ(body.at("embeds").as_array().size(), 1u);
}

TEST(Text, Utf16LengthAndTruncation) {
  EXPECT_EQ(utf16_length("abc"), 3u);
  EXPECT_EQ(utf16_length("é"), 1u);
  EXPECT_EQ(utf16_length("🎮"), 2u);  // outside the BMP: a surrogate pair
  const std::string cut = truncate_utf16("🎮🎮🎮🎮", 5);
  EXPECT_LE(utf16_length(cut), 5u);
  EXPECT_EQ(cut, "🎮🎮…");
}

}  // namespace
}  // namespace flowlens::webhook
