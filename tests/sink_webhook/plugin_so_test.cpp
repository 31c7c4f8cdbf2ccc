// SPDX-License-Identifier: BSD-2-Clause
// The built sink-webhook.so driven through its C entry point with scripted snapshots, delivering
// to a real HTTP receiver on loopback that answers 200, 429, 500, 404 or hangs.
#include "plugin_harness.h"
#include "receiver.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

namespace flowlens::webhook::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

fs::path test_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return fs::temp_directory_path() / ("flowlens-webhook-" + std::to_string(::getpid())) /
         info->name();
}

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A config with one `players >= 5` rule named busy and the given webhooks (JSON list text).
std::string config(const fs::path& dir, const std::string& webhooks,
                   const std::string& rule_extra = "", const std::string& group_wait = "100ms") {
  return R"({"state_dir": ")" + dir.string() + R"(", "group_wait": ")" + group_wait +
         R"(", "rules": [{"name": "busy", "when": "players >= 5")" + rule_extra +
         R"(}], "webhooks": )" + webhooks + "}";
}

std::string hook(const std::string& name, const std::string& format, const std::string& url,
                 const std::string& extra = "") {
  return R"({"name": ")" + name + R"(", "format": ")" + format + R"(", "url": ")" + url +
         R"(", "timeout": "2s")" + extra + "}";
}

json::value body_of(const json::object& record) {
  return json::parse(record.at("body").as_string());
}

class WebhookPlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    d_ = load_plugin();
    ASSERT_NE(d_, nullptr) << dlerror();
    dir_ = test_dir();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  const flowlens_plugin_descriptor* d_ = nullptr;
  fs::path dir_;
  RecordingHost host_;
};

TEST_F(WebhookPlugin, DescriptorIsASink) {
  EXPECT_STREQ(d_->name, "sink-webhook");
  EXPECT_EQ(d_->capabilities, static_cast<uint32_t>(FLOWLENS_CAP_SINK));
}

TEST_F(WebhookPlugin, FiresAndResolvesInEveryFormatAndTheSignatureVerifies) {
  Receiver receiver(dir_ / "receiver", "s3cret");
  ASSERT_GT(receiver.port(), 0);
  const std::string hooks = "[" +
                            hook("json", "json", receiver.url("/ok/json"),
                                 R"(, "hmac_secret": "s3cret", "headers": {"X-Team": "ops"})") +
                            "," + hook("discord", "discord", receiver.url("/ok/discord")) + "," +
                            hook("slack", "slack", receiver.url("/ok/slack")) + "]";
  Instance sink(d_, host_, config(dir_, hooks));
  ASSERT_EQ(sink.create_status(), FLOWLENS_OK) << sink.error();
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();

  sink.tick(ScriptedSnapshot({{"mc", 3}}));
  sink.tick(ScriptedSnapshot({{"mc", 6}}));
  ASSERT_TRUE(receiver.wait_for("/ok/json", 1));
  ASSERT_TRUE(receiver.wait_for("/ok/discord", 1));
  ASSERT_TRUE(receiver.wait_for("/ok/slack", 1));

  const json::object j = receiver.records("/ok/json")[0];
  EXPECT_EQ(j.at("signature_ok"), true) << "Python's hmac must verify the signature";
  EXPECT_EQ(j.at("headers").at("X-Team"), "ops") << "custom headers are sent";
  const json::value alert = body_of(j).at("alerts").at(0);
  EXPECT_EQ(alert.at("alert"), "busy");
  EXPECT_EQ(alert.at("state"), "firing");
  EXPECT_EQ(alert.at("server_id"), "mc");
  EXPECT_EQ(alert.at("players"), 6);
  const json::value discord = body_of(receiver.records("/ok/discord")[0]);
  EXPECT_EQ(discord.at("allowed_mentions").at("parse").as_array().size(), 0u);
  const json::value slack = body_of(receiver.records("/ok/slack")[0]);
  EXPECT_FALSE(slack.at("text").as_string().empty());

  sink.tick(ScriptedSnapshot({{"mc", 2}}));
  ASSERT_TRUE(receiver.wait_for("/ok/json", 2));
  EXPECT_EQ(body_of(receiver.records("/ok/json")[1]).at("alerts").at(0).at("state"), "resolved");
  EXPECT_TRUE(receiver.wait_for("/ok/discord", 2));
  EXPECT_TRUE(receiver.wait_for("/ok/slack", 2));

  // Each crossing was also an ABI event for other sinks.
  std::lock_guard lock(host_.mutex);
  ASSERT_EQ(host_.events.size(), 2u);
  EXPECT_EQ(host_.events[0].first, static_cast<uint32_t>(FLOWLENS_EVENT_THRESHOLD_CROSSED));
  EXPECT_EQ(host_.events[0].second, "mc");
}

TEST_F(WebhookPlugin, CrossingToReceiverLatency) {
  Receiver receiver(dir_ / "receiver");
  // group_wait 0: the figure is `for` plus what the plugin adds on top.
  Instance sink(d_, host_,
                config(dir_, "[" + hook("json", "json", receiver.url("/ok/latency")) + "]",
                       R"(, "for": "1s")", "0s"));
  ASSERT_EQ(sink.create_status(), FLOWLENS_OK) << sink.error();
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();
  sink.tick(ScriptedSnapshot({{"mc", 1}}));
  const int64_t crossed = wall_ms();
  // Ticks every 100 ms, as a fast estimator would publish, until the receiver has it.
  for (int i = 0; i < 100 && receiver.records("/ok/latency").empty(); ++i) {
    sink.tick(ScriptedSnapshot({{"mc", 9}}));
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(receiver.records("/ok/latency").size(), 1u);
  const double arrived_ms =
      receiver.records("/ok/latency")[0].at("time").to_number<double>() * 1000;
  const double latency = arrived_ms - static_cast<double>(crossed);
  std::cout << "figure: crossing to receiver " << static_cast<int>(latency)
            << " ms with for: 1s, group_wait: 0s, 100 ms ticks\n";
  EXPECT_GE(latency, 1000) << "`for` must hold";
  EXPECT_LT(latency, 1000 + 3000) << "generous for sanitizer builds; the aim is under 1 s extra";
}

TEST_F(WebhookPlugin, RateLimitedAndFailingReceiversAreRetriedUntilDelivered) {
  Receiver receiver(dir_ / "receiver");
  const std::string hooks = "[" + hook("a", "json", receiver.url("/429-header/a")) + "," +
                            hook("b", "discord", receiver.url("/429-discord/b")) + "," +
                            hook("c", "json", receiver.url("/500/c")) + "]";
  Instance sink(d_, host_, config(dir_, hooks));
  ASSERT_EQ(sink.create_status(), FLOWLENS_OK) << sink.error();
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();
  sink.tick(ScriptedSnapshot({{"mc", 7}}));

  ASSERT_TRUE(receiver.wait_for("/429-header/", 2));
  auto a = receiver.records("/429-header/");
  const double waited_a = a[1].at("time").as_double() - a[0].at("time").as_double();
  EXPECT_GE(waited_a, 0.95) << "Retry-After: 1 must be obeyed";
  EXPECT_EQ(a[0].at("body"), a[1].at("body"));

  ASSERT_TRUE(receiver.wait_for("/429-discord/", 2));
  auto b = receiver.records("/429-discord/");
  EXPECT_GE(b[1].at("time").as_double() - b[0].at("time").as_double(), 0.45)
      << "Discord's retry_after: 0.5 in the body must be obeyed";

  // 500, 500, then 200: backoff between attempts, delivered on the third.
  ASSERT_TRUE(receiver.wait_for("/500/", 3));
  auto c = receiver.records("/500/");
  EXPECT_GE(c[1].at("time").as_double() - c[0].at("time").as_double(), 0.45);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(receiver.records("/500/").size(), 3u) << "no more attempts after the 200";
  EXPECT_EQ(receiver.records("/429-header/").size(), 2u);
}

TEST_F(WebhookPlugin, NotFoundDisablesTheWebhookWithOneClearErrorAndNoUrl) {
  Receiver receiver(dir_ / "receiver");
  const std::string hooks =
      "[" + hook("gone", "discord", receiver.url("/404/api/webhooks/1/TOKEN-SECRET")) + "]";
  Instance sink(d_, host_, config(dir_, hooks, "", "0s"));
  ASSERT_EQ(sink.create_status(), FLOWLENS_OK) << sink.error();
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();
  sink.tick(ScriptedSnapshot({{"mc", 7}}));
  ASSERT_TRUE(receiver.wait_for("/404/", 1));
  std::this_thread::sleep_for(300ms);
  sink.tick(ScriptedSnapshot({{"mc", 1}}));
  sink.tick(ScriptedSnapshot({{"mc", 8}}));
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(receiver.records("/404/").size(), 1u) << "a 404'd webhook is never used again";

  std::lock_guard lock(host_.mutex);
  int disabled = 0;
  for (const std::string& line : host_.logs) {
    EXPECT_EQ(line.find("TOKEN-SECRET"), std::string::npos) << line;
    EXPECT_EQ(line.find("/api/webhooks"), std::string::npos) << line;
    if (line.find("disabled") != std::string::npos) {
      ++disabled;
      EXPECT_NE(line.find("HTTP 404"), std::string::npos) << line;
      EXPECT_NE(line.find("127.0.0.1:" + std::to_string(receiver.port())), std::string::npos)
          << line;
    }
  }
  EXPECT_EQ(disabled, 1);
}

TEST_F(WebhookPlugin, AHangingWebhookDelaysNeitherOtherWebhooksNorSnapshots) {
  Receiver receiver(dir_ / "receiver");
  const std::string hooks =
      "[" + hook("hangs", "json", receiver.url("/slow/x"), R"(, "timeout": "30s")") + "," +
      hook("fine", "json", receiver.url("/ok/fine")) + "]";
  Instance sink(d_, host_, config(dir_, hooks, "", "0s"));
  ASSERT_EQ(sink.create_status(), FLOWLENS_OK) << sink.error();
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();
  const auto t0 = Clock::now();
  sink.tick(ScriptedSnapshot({{"mc", 7}}));
  ASSERT_TRUE(receiver.wait_for("/ok/fine", 1, 5s));
  EXPECT_LT(Clock::now() - t0, 3s) << "the healthy webhook got it at once";
  ASSERT_TRUE(receiver.wait_for("/slow/", 1));
  // While one receiver hangs, every snapshot is still taken at once.
  for (int i = 0; i < 20; ++i) {
    const auto before = Clock::now();
    sink.tick(ScriptedSnapshot({{"mc", i % 2 ? 9 : 1}}));
    // Each tick here changes the firing set, so it includes an fsync of the state file: the
    // bound is far below the receiver's 60 s hang, not a performance figure.
    EXPECT_LT(Clock::now() - before, 1s);
  }
  // And stop does not wait for the hanging transfer beyond its drain time.
  const auto stopping = Clock::now();
  sink.stop();
  EXPECT_LT(Clock::now() - stopping, 8s);
}

TEST_F(WebhookPlugin, RestartDoesNotResendAFiringAlertAndStillSendsItsResolve) {
  Receiver receiver(dir_ / "receiver");
  const std::string cfg = config(dir_, "[" + hook("json", "json", receiver.url("/ok/r")) + "]");
  {
    Instance first(d_, host_, cfg);
    ASSERT_EQ(first.start(), FLOWLENS_OK) << first.error();
    first.tick(ScriptedSnapshot({{"mc", 9}}));
    ASSERT_TRUE(receiver.wait_for("/ok/r", 1));
  }
  EXPECT_TRUE(fs::exists(dir_ / "sink-webhook-alerts.json"));
  Instance second(d_, host_, cfg);
  ASSERT_EQ(second.start(), FLOWLENS_OK) << second.error();
  // Unknown for a few ticks after the restart, then still above the threshold: nothing new.
  second.tick(ScriptedSnapshot({{"mc", kUnknownPlayers}}));
  second.tick(ScriptedSnapshot({{"mc", 9}}));
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(receiver.records("/ok/r").size(), 1u) << "no duplicate after a restart";
  second.tick(ScriptedSnapshot({{"mc", 1}}));
  ASSERT_TRUE(receiver.wait_for("/ok/r", 2));
  EXPECT_EQ(body_of(receiver.records("/ok/r")[1]).at("alerts").at(0).at("state"), "resolved");
}

TEST_F(WebhookPlugin, TheStateFileHoldsWhatReceiversWereToldNotWhatWaitsInAGroup) {
  Receiver receiver(dir_ / "receiver");
  Instance sink(d_, host_,
                config(dir_, "[" + hook("json", "json", receiver.url("/ok/told")) + "]", "", "1s"));
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();
  const fs::path state = dir_ / "sink-webhook-alerts.json";
  auto firing_on_disk = [&] {
    std::ifstream in(state);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.empty() ? size_t{0} : json::parse(text).at("firing").as_array().size();
  };
  sink.tick(ScriptedSnapshot({{"mc", 9}}));
  // Fired, but the group waits: a crash now must make it fire (and be sent) after the restart.
  EXPECT_EQ(firing_on_disk(), 0u);
  ASSERT_TRUE(receiver.wait_for("/ok/told", 1));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(firing_on_disk(), 1u);
}

TEST_F(WebhookPlugin, DaemonStartWithEveryServerUnknownSendsNothing) {
  Receiver receiver(dir_ / "receiver");
  const std::string cfg = R"({"state_dir": ")" + dir_.string() +
                          R"(", "group_wait": "0s", "rules": [
      {"name": "blind", "when": "unknown"}, {"name": "idle", "when": "empty"},
      {"name": "low", "when": "players <= 0"}],
      "webhooks": [)" + hook("json", "json", receiver.url("/ok/start")) +
                          "]}";
  Instance sink(d_, host_, cfg);
  ASSERT_EQ(sink.create_status(), FLOWLENS_OK) << sink.error();
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();
  for (int i = 0; i < 10; ++i) {
    sink.tick(ScriptedSnapshot({{"a", kUnknownPlayers}, {"b", kUnknownPlayers}}));
    std::this_thread::sleep_for(50ms);
  }
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(receiver.records("/ok/start").empty());
}

TEST_F(WebhookPlugin, LabelSelectorUsesLabelsFromDiscovery) {
  Receiver receiver(dir_ / "receiver");
  const std::string cfg = R"({"state_dir": ")" + dir_.string() +
                          R"(", "group_wait": "0s", "rules": [
      {"name": "rust-full", "select": {"labels": {"game": "rust"}}, "when": "full"}],
      "webhooks": [)" + hook("json", "json", receiver.url("/ok/labels")) +
                          "]}";
  Instance sink(d_, host_, cfg);
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();
  sink.tick(ScriptedSnapshot({{"mc", 50}}, {{"game", "minecraft"}, {"max_players", "10"}}));
  sink.tick(ScriptedSnapshot({{"rust", 10}}, {{"game", "rust"}, {"max_players", "10"}}));
  ASSERT_TRUE(receiver.wait_for("/ok/labels", 1));
  std::this_thread::sleep_for(300ms);
  const auto records = receiver.records("/ok/labels");
  ASSERT_EQ(records.size(), 1u);
  const json::value alert = body_of(records[0]).at("alerts").at(0);
  EXPECT_EQ(alert.at("server_id"), "rust");
  EXPECT_EQ(alert.at("threshold"), 10);
  EXPECT_EQ(alert.at("labels").at("game"), "rust");
}

TEST_F(WebhookPlugin, ThreeHundredServersCrossingAtOnce) {
  Receiver receiver(dir_ / "receiver");
  const std::string hooks = "[" + hook("json", "json", receiver.url("/ok/j")) + "," +
                            hook("discord", "discord", receiver.url("/ok/d")) + "," +
                            hook("slack", "slack", receiver.url("/ok/s")) + "]";
  Instance sink(d_, host_, config(dir_, hooks, "", "1s"));
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();
  std::map<std::string, int> below, above;
  for (int i = 0; i < 300; ++i) {
    const std::string id = "srv-" + std::to_string(1000 + i);
    below[id] = 1;
    above[id] = 6;
  }
  sink.tick(ScriptedSnapshot(below));
  sink.tick(ScriptedSnapshot(above));
  std::this_thread::sleep_for(3s);
  const size_t j = receiver.records("/ok/j").size();
  const size_t d = receiver.records("/ok/d").size();
  const size_t s = receiver.records("/ok/s").size();
  std::cout << "figure: 300 servers crossing at once -> json " << j << ", discord " << d
            << ", slack " << s << " messages\n";
  EXPECT_EQ(j, 3u);  // 100 alerts per JSON body
  EXPECT_GE(d, 2u);
  EXPECT_LE(d, 10u);
  EXPECT_EQ(s, 1u);
}

TEST_F(WebhookPlugin, DiscordStatusIsPostedOnceThenEditedInPlaceAtMostEveryInterval) {
  Receiver receiver(dir_ / "receiver");
  const std::string cfg = R"({"state_dir": ")" + dir_.string() + R"(", "webhooks": [)" +
                          hook("status", "discord_status", receiver.url("/discord-status/1/tok"),
                               R"(, "status_interval": "2s")") +
                          "]}";
  {
    Instance sink(d_, host_, cfg);
    ASSERT_EQ(sink.create_status(), FLOWLENS_OK) << sink.error();
    ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();
    sink.tick(ScriptedSnapshot({{"mc", 1}, {"cs", kUnknownPlayers}}));
    ASSERT_TRUE(receiver.wait_for("/discord-status/", 1));
    auto first = receiver.records("/discord-status/")[0];
    EXPECT_EQ(first.at("method"), "POST");
    EXPECT_EQ(first.at("path"), "/discord-status/1/tok?wait=true");
    const std::string text(body_of(first).at("embeds").at(0).at("description").as_string());
    EXPECT_NE(text.find("**mc** — 1 player"), std::string::npos) << text;
    EXPECT_NE(text.find("**cs** — unknown"), std::string::npos) << text;
    // Unchanged counts: no edit. Three changes within the interval: one edit, with the last.
    sink.tick(ScriptedSnapshot({{"mc", 1}, {"cs", kUnknownPlayers}}));
    sink.tick(ScriptedSnapshot({{"mc", 2}, {"cs", kUnknownPlayers}}));
    sink.tick(ScriptedSnapshot({{"mc", 3}, {"cs", kUnknownPlayers}}));
    sink.tick(ScriptedSnapshot({{"mc", 4}, {"cs", 0}}));
    ASSERT_TRUE(receiver.wait_for("/discord-status/", 2, 10s));
    std::this_thread::sleep_for(500ms);
    const auto records = receiver.records("/discord-status/");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[1].at("method"), "PATCH");
    EXPECT_EQ(records[1].at("path"), "/discord-status/1/tok/messages/424242");
    EXPECT_GE(records[1].at("time").as_double() - records[0].at("time").as_double(), 1.9);
    const std::string edited(body_of(records[1]).at("embeds").at(0).at("description").as_string());
    EXPECT_NE(edited.find("**mc** — 4 players"), std::string::npos) << edited;
    EXPECT_NE(edited.find("**cs** — 0 players"), std::string::npos) << edited;
  }
  // After a restart the same message is edited, not a new one posted.
  Instance again(d_, host_, cfg);
  ASSERT_EQ(again.start(), FLOWLENS_OK) << again.error();
  again.tick(ScriptedSnapshot({{"mc", 5}}));
  ASSERT_TRUE(receiver.wait_for("/discord-status/", 3, 10s));
  EXPECT_EQ(receiver.records("/discord-status/")[2].at("method"), "PATCH");
}

TEST_F(WebhookPlugin, SecretsFromAFileAndTheEnvironment) {
  Receiver receiver(dir_ / "receiver", "key-from-env");
  // A file as an editor leaves it: with a trailing newline.
  std::ofstream(dir_ / "url") << receiver.url("/ok/from-file") << "\n";
  // Only its owner may read it: a secret file others can read is refused.
  fs::permissions(dir_ / "url", fs::perms::owner_read | fs::perms::owner_write);
  ::setenv("FLOWLENS_TEST_HMAC_KEY", "key-from-env", 1);
  const std::string hooks = R"([{"name": "f", "url_file": ")" + (dir_ / "url").string() +
                            R"(", "hmac_secret_env": "FLOWLENS_TEST_HMAC_KEY"}])";
  Instance sink(d_, host_, config(dir_, hooks, "", "0s"));
  ASSERT_EQ(sink.create_status(), FLOWLENS_OK) << sink.error();
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();
  sink.tick(ScriptedSnapshot({{"mc", 7}}));
  ASSERT_TRUE(receiver.wait_for("/ok/from-file", 1));
  EXPECT_EQ(receiver.records("/ok/from-file")[0].at("signature_ok"), true);
  ::unsetenv("FLOWLENS_TEST_HMAC_KEY");
}

TEST_F(WebhookPlugin, AHoveringCountGivesExactlyFiringRepeatResolved) {
  Receiver receiver(dir_ / "receiver");
  Instance sink(d_, host_,
                config(dir_, "[" + hook("json", "json", receiver.url("/ok/hover")) + "]",
                       R"(, "clear": 3, "repeat_interval": "1s")", "0s"));
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();
  // Hovering at the threshold for a second: one firing, no resolve in between.
  for (int players : {5, 4, 5, 4, 5, 4, 5, 4, 5, 4}) {
    sink.tick(ScriptedSnapshot({{"mc", players}}));
    std::this_thread::sleep_for(100ms);
  }
  // Still firing past repeat_interval: one repeat. Then below `clear`: resolved.
  for (int i = 0; i < 4; ++i) {
    sink.tick(ScriptedSnapshot({{"mc", 5}}));
    std::this_thread::sleep_for(100ms);
  }
  sink.tick(ScriptedSnapshot({{"mc", 2}}));
  ASSERT_TRUE(receiver.wait_for("/ok/hover", 3));
  std::this_thread::sleep_for(500ms);
  std::vector<std::string> got;
  for (const auto& r : receiver.records("/ok/hover")) {
    const json::value a = body_of(r).at("alerts").at(0);
    got.push_back(std::string(a.at("state").as_string()) +
                  (a.at("repeat").as_bool() ? " repeat" : "") + " " +
                  std::to_string(a.at("players").to_number<int>()));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"firing 5", "firing repeat 5", "resolved 2"}));
}

TEST_F(WebhookPlugin, SelfTestSendsOneTestMessagePerWebhookAndReportsEachAnswer) {
  ASSERT_NE(d_->self_test, nullptr) << "flowlensd alert-test needs self_test";
  Receiver receiver(dir_ / "receiver", "k");
  const std::string hooks =
      "[" + hook("fine", "json", receiver.url("/ok/test-token"), R"(, "hmac_secret": "k")") + "," +
      hook("gone", "discord", receiver.url("/404/api/webhooks/9/gone-token")) + "," +
      hook("status", "discord_status", receiver.url("/discord-status/st-token")) + "]";
  Instance sink(d_, host_, config(dir_, hooks));
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();
  char report[4096] = {};
  EXPECT_EQ(d_->self_test(sink.raw(), report, sizeof report), FLOWLENS_ERR_FAILED)
      << "one webhook refused: the test fails";
  const std::string text(report);
  EXPECT_NE(text.find("fine (json, host 127.0.0.1:" + std::to_string(receiver.port()) +
                      "): HTTP 200: accepted"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("gone (discord, host "), std::string::npos) << text;
  EXPECT_NE(text.find("HTTP 404: refused, the webhook does not exist"), std::string::npos) << text;
  EXPECT_NE(text.find("status (discord_status, host "), std::string::npos) << text;
  EXPECT_EQ(text.find("token"), std::string::npos) << "no URL path in the report: " << text;
  // Exactly one attempt each, signed like a real delivery, and the status message untouched.
  EXPECT_EQ(receiver.records("/ok/").size(), 1u);
  EXPECT_EQ(receiver.records("/ok/")[0].at("signature_ok"), true);
  EXPECT_EQ(receiver.records("/404/").size(), 1u);
  ASSERT_EQ(receiver.records("/discord-status/").size(), 1u);
  EXPECT_EQ(receiver.records("/discord-status/")[0].at("path"), "/discord-status/st-token");
}

TEST_F(WebhookPlugin, AMissingSecretFailsStartNamingItsSource) {
  const std::string cfg =
      R"({"state_dir": ")" + dir_.string() +
      R"(", "webhooks": [{"name": "d", "url_env": "FLOWLENS_TEST_UNSET_URL"}]})";
  Instance sink(d_, host_, cfg);
  ASSERT_EQ(sink.create_status(), FLOWLENS_OK) << "create must not need the secret";
  EXPECT_NE(sink.start(), FLOWLENS_OK);
  EXPECT_NE(sink.error().find("FLOWLENS_TEST_UNSET_URL"), std::string::npos) << sink.error();
}

}  // namespace
}  // namespace flowlens::webhook::testing
