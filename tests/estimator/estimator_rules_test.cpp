// SPDX-License-Identifier: BSD-2-Clause
// One case per estimator rule: a scripted flow history, the ticks it is judged at, the player
// count expected at each of them and the decision given for the flow at the last one.
#include <gtest/gtest.h>

#include "scene.h"

namespace flowlens::testing {
namespace {

using estimator::Reason;

struct RuleCase {
  const char* proves;
  std::function<void(FlowHistory&)> script;  // the flow: cs UDP 27015 (TCP when tcp is set)
  int from_tick;
  int to_tick;
  uint32_t players;  // expected at every tick from_tick..to_tick
  Reason reason;     // expected decision at to_tick
  bool tcp = false;
  bool check_reason = true;
};

const RuleCase kCases[] = {
    {"a steady two-way game flow counts", [](FlowHistory& f) { f.both(0, 20, 30); }, 3, 20, 1,
     Reason::kSustainedExchange},
    {"a slow-ticking game (one packet a second each way) still counts",
     [](FlowHistory& f) { f.both(0, 40, 1); }, 6, 40, 1, Reason::kSustainedExchange},
    {"a flow younger than min_session_seconds does not count yet",
     [](FlowHistory& f) { f.both(0.5, 20, 30); }, 1, 2, 0, Reason::kTooShort},
    {"client packets the server never answers never count (flood)",
     [](FlowHistory& f) { f.send(FLOWLENS_DIR_IN, 0, 20, 25); }, 1, 20, 0, Reason::kOneWay},
    {"answered server-list queries never count (browser, crawler, reflection)",
     [](FlowHistory& f) {
       f.send(FLOWLENS_DIR_IN, 0, 20, 5, 60, true).send(FLOWLENS_DIR_OUT, 0.01, 20, 5, 400);
     },
     1, 20, 0, Reason::kQueryDominated},
    {"a handful of packets is not a player (one-off query)",
     [](FlowHistory& f) { f.both(0, 0.3, 10); }, 1, 5, 0, Reason::kTooFewPackets},
    {"a client the server rarely answers does not count (junk with rate-limited replies)",
     [](FlowHistory& f) { f.send(FLOWLENS_DIR_IN, 0, 20, 30).send(FLOWLENS_DIR_OUT, 0.01, 20, 1); },
     1, 20, 0, Reason::kFewReplies},
    {"an exchange every few seconds is not a game (crawler, admin console)",
     [](FlowHistory& f) {
       for (int k = 0; k < 10; ++k) f.both(3 * k, 3 * k + 0.3, 20);
     },
     1, 28, 0, Reason::kSparse},
    {"a TCP FIN ends a counted session at once",
     [](FlowHistory& f) {
       f.both(0, 10, 20).flag(FLOWLENS_DIR_IN, 10.0, FLOWLENS_TCP_FIN | FLOWLENS_TCP_ACK);
     },
     11, 11, 0, Reason::kTcpClosed, true},
    {"a TCP RST ends a counted session at once",
     [](FlowHistory& f) { f.both(0, 10, 20).flag(FLOWLENS_DIR_IN, 10.0, FLOWLENS_TCP_RST); }, 11,
     11, 0, Reason::kTcpClosed, true},
    {"a quiet client is held while the silence is shorter than the limit",
     [](FlowHistory& f) { f.both(0, 10, 30).send(FLOWLENS_DIR_OUT, 10, 40, 30); }, 3, 17, 1,
     Reason::kHolding},
    {"a client silent while the server keeps sending is gone after client_silence_seconds",
     [](FlowHistory& f) { f.both(0, 10, 30).send(FLOWLENS_DIR_OUT, 10, 40, 30); }, 19, 40, 0,
     Reason::kClientSilent},
    {"both sides silent ends a session after both_silence_seconds",
     [](FlowHistory& f) { f.both(0, 10, 30); }, 13, 13, 0, Reason::kBothSilent},
    {"a lag stall (client quiet 3 s, server sending) keeps the player",
     [](FlowHistory& f) { f.both(0, 10, 30).send(FLOWLENS_DIR_OUT, 10, 13, 30).both(13, 30, 30); },
     3, 30, 1, Reason::kSustainedExchange},
    {"a link that stalled 7 s before is held through a 15 s stall (bad Wi-Fi, mobile)",
     [](FlowHistory& f) {
       f.both(0, 10, 30).send(FLOWLENS_DIR_OUT, 10, 17, 30).both(17, 40, 30);
       f.send(FLOWLENS_DIR_OUT, 40, 55, 30).both(55, 80, 30);
     },
     3, 80, 1, Reason::kSustainedExchange},
    {"a first 15 s stall drops the player after client_silence_seconds, back at once after it",
     [](FlowHistory& f) { f.both(0, 20, 30).send(FLOWLENS_DIR_OUT, 20, 35, 30).both(35, 60, 30); },
     36, 60, 1, Reason::kResumed},
    {"a slow-ticking game (one packet in 3 s) that stalled 6 s is held through a 15 s stall",
     [](FlowHistory& f) {
       f.send(FLOWLENS_DIR_OUT, 2.0, 110, 1.0 / 3);  // server updates throughout
       f.send(FLOWLENS_DIR_IN, 0, 30, 1.0 / 3).send(FLOWLENS_DIR_OUT, 0.05, 30, 1.0 / 3);
       // Silent from 27 s to 36 s (after the 3 s gap, a 6 s stall), then from 57 s to 72 s.
       f.send(FLOWLENS_DIR_IN, 36, 60, 1.0 / 3).send(FLOWLENS_DIR_OUT, 36.05, 60, 1.0 / 3);
       f.send(FLOWLENS_DIR_IN, 72, 110, 1.0 / 3).send(FLOWLENS_DIR_OUT, 72.05, 110, 1.0 / 3);
     },
     15, 110, 1, Reason::kPacedExchange},
    {"an ended endpoint that talks again counts again at once (stall past the limit)",
     [](FlowHistory& f) { f.both(0, 10, 30).send(FLOWLENS_DIR_OUT, 10, 30, 30).both(30, 40, 30); },
     31, 40, 1, Reason::kResumed},
    {"players silent both ways for 20 s (a map change) count again as soon as traffic returns",
     [](FlowHistory& f) { f.both(0, 30, 30).both(50, 80, 30); }, 51, 80, 1, Reason::kResumed},
    {"a player that stalls just after joining counts again once it plays on",
     [](FlowHistory& f) {
       f.both(0, 2.5, 30).send(FLOWLENS_DIR_OUT, 2.5, 10, 30).both(10, 40, 30);
     },
     16, 40, 1, Reason::kSustainedExchange},
    {"a session that turns into sparse polling stops counting and does not flap back",
     [](FlowHistory& f) {
       f.both(0, 10, 30);
       for (int k = 0; k < 20; ++k) f.both(10 + 3 * k, 10.3 + 3 * k, 20);
     },
     40, 70, 0, Reason::kSparse, false, false},
    {"a slow-ticking game (client every 3 s, answered, server updates between) counts within 15 s",
     [](FlowHistory& f) {
       f.both(0, 0.2, 20);  // connect
       f.send(FLOWLENS_DIR_IN, 0.5, 120, 1.0 / 3).send(FLOWLENS_DIR_OUT, 0.55, 120, 1.0 / 3);
       f.send(FLOWLENS_DIR_OUT, 2.0, 120, 1.0 / 3);
     },
     15, 120, 1, Reason::kPacedExchange},
    {"a turn-based game over TCP (every update acknowledged) counts after its join download",
     [](FlowHistory& f) {
       f.both(0, 0.2, 20).send(FLOWLENS_DIR_OUT, 0.2, 0.6, 100);  // login, then 40 packets of state
       f.send(FLOWLENS_DIR_IN, 1, 120, 1.0 / 3).send(FLOWLENS_DIR_OUT, 1.05, 120, 1.0 / 3);
       f.send(FLOWLENS_DIR_OUT, 2.5, 120, 1.0 / 3).send(FLOWLENS_DIR_IN, 2.55, 120, 1.0 / 3);
     },
     15, 120, 1, Reason::kPacedExchange, true, false},
    {"a slow-ticking game's client gone while the server sends on leaves within 30 s",
     [](FlowHistory& f) {
       f.both(0, 0.2, 20);
       f.send(FLOWLENS_DIR_IN, 0.5, 60, 1.0 / 3).send(FLOWLENS_DIR_OUT, 0.55, 60, 1.0 / 3);
       f.send(FLOWLENS_DIR_OUT, 2.0, 120, 1.0 / 3);
     },
     90, 120, 0, Reason::kClientSilent},
    {"a poller answered every 2 s never counts, however long it polls",
     [](FlowHistory& f) {
       f.send(FLOWLENS_DIR_IN, 0, 300, 0.5).send(FLOWLENS_DIR_OUT, 0.03, 300, 0.5);
     },
     1, 300, 0, Reason::kSparse},
    {"a poller answered every 2 s with a reply crossing a second boundary never counts",
     [](FlowHistory& f) {
       f.send(FLOWLENS_DIR_IN, 0.98, 300, 0.5).send(FLOWLENS_DIR_OUT, 1.02, 300, 0.5);
     },
     1, 300, 0, Reason::kSparse},
    {"an old sparse poller busy for a few seconds does not count",
     [](FlowHistory& f) {
       for (int k = 0; k < 10; ++k) f.both(3 * k, 3 * k + 0.3, 20);
       f.both(30, 35, 30);
     },
     1, 35, 0, Reason::kSparse},
};

class RuleTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(RuleTest, CountsAndExplains) {
  const RuleCase& c = GetParam();
  Scene scene;
  auto key = make_key("198.51.100.7", 27005, 27015, c.tcp ? IPPROTO_TCP : IPPROTO_UDP);
  c.script(scene.add(key));
  for (int t = 1; t <= c.to_tick; ++t) {
    scene.tick(t);
    if (t >= c.from_tick) {
      ASSERT_EQ(scene.players(), c.players) << c.proves << "\n  at tick " << t;
    }
  }
  const auto* d = scene.decision(key);
  ASSERT_NE(d, nullptr) << c.proves;
  if (!c.check_reason) return;
  EXPECT_EQ(estimator::reason_name(d->reason), estimator::reason_name(c.reason))
      << c.proves << "\n  decision: " << estimator::describe(*d);
}

INSTANTIATE_TEST_SUITE_P(Rules, RuleTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return "case" + std::to_string(info.index); });

}  // namespace
}  // namespace flowlens::testing
