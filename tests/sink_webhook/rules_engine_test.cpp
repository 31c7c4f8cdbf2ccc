// SPDX-License-Identifier: BSD-2-Clause
// The rules engine on scripted snapshot sequences: each case is a rule, a count per tick for one
// server (or unknown / gone), and exactly the notices expected, by tick time.
#include "rules_engine.h"

#include <gtest/gtest.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace flowlens::webhook {
namespace {

using namespace std::chrono_literals;

constexpr int kUnknown = -1;  // the server is listed but not estimated
constexpr int kGone = -2;     // the server is missing from the snapshot

struct Tick {
  int second;
  int players;  // or kUnknown / kGone
};

struct Case {
  const char* proves;
  Rule rule;
  std::vector<Tick> ticks;
  // "t=SECOND firing|resolved|repeat players=N|unknown", in order.
  std::vector<std::string> expected;
};

Rule rule(const char* name, ConditionKind kind, int64_t threshold = 0) {
  Rule r;
  r.name = name;
  r.condition = kind;
  r.threshold = threshold;
  return r;
}
Rule with(Rule r, void (*edit)(Rule&)) {
  edit(r);
  return r;
}

ServerObservation server(int players) {
  ServerObservation s;
  s.id = "mc";
  s.name = "Minecraft";
  s.labels = {{"game", "minecraft"}, {"max_players", "10"}};
  s.known = players >= 0;
  s.players = players >= 0 ? static_cast<uint32_t>(players) : 0;
  s.unknown_reason = players >= 0 ? "" : "bpf not attached";
  return s;
}

Instant at(int second) {
  return {second * 1000LL, 1'700'000'000'000LL + second * 1000LL};
}

std::string describe(const Notification& n, int second) {
  std::ostringstream out;
  out << "t=" << second << " "
      << (n.repeat                         ? "repeat"
          : n.state == AlertState::kFiring ? "firing"
                                           : "resolved")
      << " players=" << (n.players ? std::to_string(*n.players) : "unknown");
  return out.str();
}

std::vector<std::string> run(const Case& c, Millis startup_grace = 60s) {
  RulesEngine engine({c.rule}, startup_grace, at(0));
  std::vector<std::string> got;
  for (const Tick& tick : c.ticks) {
    std::vector<ServerObservation> servers;
    if (tick.players != kGone) servers.push_back(server(tick.players));
    for (const Notification& n : engine.evaluate(servers, at(tick.second))) {
      got.push_back(describe(n, tick.second));
    }
  }
  return got;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"players >= N fires once when crossed and resolves below",
       rule("busy", ConditionKind::kPlayersAtLeast, 5),
       {{0, 3}, {1, 5}, {2, 7}, {3, 4}},
       {"t=1 firing players=5", "t=3 resolved players=4"}},
      {"`for` holds: a crossing shorter than `for` never fires",
       with(rule("busy", ConditionKind::kPlayersAtLeast, 5), [](Rule& r) { r.for_duration = 3s; }),
       {{0, 6}, {1, 6}, {2, 3}, {3, 6}, {4, 6}, {5, 6}, {6, 6}},
       {"t=6 firing players=6"}},
      {"a count hovering at the threshold does not flap with a clear threshold",
       with(rule("busy", ConditionKind::kPlayersAtLeast, 10), [](Rule& r) { r.clear = 7; }),
       {{0, 10}, {1, 9}, {2, 10}, {3, 8}, {4, 10}, {5, 7}},
       {"t=0 firing players=10", "t=5 resolved players=7"}},
      {"clear_for: the clear condition must hold before resolving",
       with(rule("busy", ConditionKind::kPlayersAtLeast, 10), [](Rule& r) { r.clear_for = 3s; }),
       {{0, 10}, {1, 5}, {2, 5}, {3, 11}, {4, 5}, {5, 5}, {6, 5}, {7, 5}},
       {"t=0 firing players=10", "t=7 resolved players=5"}},
      {"repeat_interval re-sends while firing, and only then",
       with(rule("busy", ConditionKind::kPlayersAtLeast, 1),
            [](Rule& r) { r.repeat_interval = 10s; }),
       {{0, 2}, {5, 2}, {10, 2}, {15, 2}, {20, 2}, {21, 0}, {40, 0}},
       {"t=0 firing players=2", "t=10 repeat players=2", "t=20 repeat players=2",
        "t=21 resolved players=0"}},
      {"players <= N fires, and unknown is never below N",
       rule("quiet", ConditionKind::kPlayersAtMost, 2),
       {{0, kUnknown}, {1, kUnknown}, {2, 5}, {3, kUnknown}, {4, 1}, {5, 3}},
       {"t=4 firing players=1", "t=5 resolved players=3"}},
      {"empty: had players, now 0; resolved when someone joins",
       with(rule("empty", ConditionKind::kEmpty), [](Rule& r) { r.for_duration = 2s; }),
       {{0, 3}, {1, 0}, {2, 0}, {3, 0}, {4, 1}},
       {"t=3 firing players=0", "t=4 resolved players=1"}},
      {"unknown is never empty: a server going unknown with 0 does not fire",
       with(rule("empty", ConditionKind::kEmpty), [](Rule& r) { r.for_duration = 2s; }),
       {{0, 3}, {1, 0}, {2, kUnknown}, {3, kUnknown}, {4, kUnknown}, {5, 0}, {6, 0}},
       {}},
      {"empty: a server nobody joined waits for its first player without a grace",
       rule("empty", ConditionKind::kEmpty),
       {{0, 0}, {100, 0}, {1000, 0}},
       {}},
      {"empty: ... and counts as empty once the first-player grace has passed",
       with(rule("empty", ConditionKind::kEmpty), [](Rule& r) { r.first_player_grace = 30s; }),
       {{0, kUnknown}, {10, 0}, {39, 0}, {40, 0}},
       {"t=40 firing players=0"}},
      {"full: capacity from the server's max_players label",
       rule("full", ConditionKind::kFull),
       {{0, 9}, {1, 10}, {2, 9}},
       {"t=1 firing players=10", "t=2 resolved players=9"}},
      {"full: capacity from the rule wins over the label",
       with(rule("full", ConditionKind::kFull), [](Rule& r) { r.capacity = 20; }),
       {{0, 10}, {1, 20}},
       {"t=1 firing players=20"}},
      {"unknown fires after `for` and resolves when the estimate returns",
       with(rule("blind", ConditionKind::kUnknown), [](Rule& r) { r.for_duration = 2s; }),
       {{0, 3}, {1, kUnknown}, {2, kUnknown}, {3, kUnknown}, {4, 3}},
       {"t=3 firing players=unknown", "t=4 resolved players=3"}},
      {"unknown: a server gone from discovery is unknown",
       rule("blind", ConditionKind::kUnknown),
       {{0, 3}, {1, kGone}, {2, kGone}},
       {"t=1 firing players=unknown"}},
      {"daemon start: servers unknown from the first tick never fire `unknown`",
       rule("blind", ConditionKind::kUnknown),
       {{0, kUnknown}, {1, kUnknown}, {2, kUnknown}, {3, 4}},
       {}},
      {"players >= N never fires on an unknown server, even for long",
       rule("busy", ConditionKind::kPlayersAtLeast, 0),
       {{0, kUnknown}, {50, kUnknown}, {100, kGone}},
       {}},
      {"send_resolved off: the resolve is still reported (as an event), marked not to send",
       with(rule("busy", ConditionKind::kPlayersAtLeast, 1),
            [](Rule& r) { r.send_resolved = false; }),
       {{0, 1}, {1, 0}},
       {"t=0 firing players=1", "t=1 resolved players=0"}},
  };
  return all;
}

TEST(RulesEngine, ScriptedSequences) {
  for (const Case& c : cases()) {
    EXPECT_EQ(run(c), c.expected) << c.proves;
  }
}

TEST(RulesEngine, StartupGraceLetsUnknownFireForServersNeverSeenKnown) {
  Case c{"",
         rule("blind", ConditionKind::kUnknown),
         {{0, kUnknown}, {59, kUnknown}, {60, kUnknown}},
         {"t=60 firing players=unknown"}};
  EXPECT_EQ(run(c, 60s), c.expected);
}

TEST(RulesEngine, SendResolvedOffMarksResolveNotToSend) {
  RulesEngine engine({with(rule("busy", ConditionKind::kPlayersAtLeast, 1),
                           [](Rule& r) { r.send_resolved = false; })},
                     0ms, at(0));
  ASSERT_EQ(engine.evaluate({server(1)}, at(0)).at(0).send, true);
  EXPECT_EQ(engine.evaluate({server(0)}, at(1)).at(0).send, false);
}

TEST(RulesEngine, SelectorsPickServersByIdLabelOrAll) {
  Rule by_id = rule("by-id", ConditionKind::kPlayersAtLeast, 1);
  by_id.selector.server_id = "b";
  Rule by_label = rule("by-label", ConditionKind::kPlayersAtLeast, 1);
  by_label.selector.labels = {{"game", "rust"}};
  Rule every = rule("all", ConditionKind::kPlayersAtLeast, 1);
  RulesEngine engine({by_id, by_label, every}, 0ms, at(0));
  std::vector<ServerObservation> servers;
  for (auto [id, game] : {std::pair{"a", "rust"}, {"b", "minecraft"}, {"c", "rust"}}) {
    ServerObservation s;
    s.id = id;
    s.name = id;
    s.labels = {{"game", game}};
    s.known = true;
    s.players = 5;
    servers.push_back(s);
  }
  std::vector<std::string> got;
  for (const Notification& n : engine.evaluate(servers, at(0)))
    got.push_back(n.rule + ":" + n.server_id);
  EXPECT_EQ(got, (std::vector<std::string>{"by-id:b", "by-label:a", "by-label:c", "all:a", "all:b",
                                           "all:c"}));
}

TEST(RulesEngine, RestartKeepsFiringAlertsQuietAndStillSendsTheirResolve) {
  Rule busy = rule("busy", ConditionKind::kPlayersAtLeast, 5);
  std::vector<FiringRecord> saved;
  {
    RulesEngine before({busy}, 0ms, at(0));
    ASSERT_EQ(before.evaluate({server(6)}, at(1)).size(), 1u);
    saved = before.firing();
  }
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(saved[0].server_name, "Minecraft");

  // Still firing after the restart: unknown for a few ticks, then still above: nothing is sent.
  RulesEngine after({busy}, 0ms, at(100));
  EXPECT_EQ(after.restore(saved, at(100)), 1u);
  EXPECT_TRUE(after.evaluate({server(kUnknown)}, at(101)).empty());
  EXPECT_TRUE(after.evaluate({server(7)}, at(102)).empty());
  // It resolved meanwhile (or resolves now): the resolve is sent, with the original start time.
  auto notes = after.evaluate({server(2)}, at(103));
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].state, AlertState::kResolved);
  EXPECT_EQ(notes[0].since_wall_ms, at(1).wall_ms);
  EXPECT_TRUE(after.firing().empty());
}

TEST(RulesEngine, RestoreDropsAlertsOfRulesThatNoLongerExist) {
  RulesEngine engine({rule("busy", ConditionKind::kPlayersAtLeast, 5)}, 0ms, at(0));
  FiringRecord old;
  old.rule = "removed-rule";
  old.server_id = "mc";
  EXPECT_EQ(engine.restore({old}, at(0)), 0u);
  EXPECT_TRUE(engine.firing().empty());
}

}  // namespace
}  // namespace flowlens::webhook
