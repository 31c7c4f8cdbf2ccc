// SPDX-License-Identifier: BSD-2-Clause
// Sessions across endpoints: players behind one NAT address, one player on several ports,
// roaming to a new endpoint, what the caller may erase, and "unknown is not 0".
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "scene.h"

namespace flowlens::testing {
namespace {

using estimator::Reason;

TEST(Sessions, PlayersBehindOneNatAddressCountApart) {
  Scene scene;
  for (uint16_t port : {40001, 40002, 40003})
    scene.add(make_key("192.0.2.50", port, 27015)).both(0, 20, 30);
  scene.add(make_key("2001:db8::7", 50000, 27015)).both(0, 20, 30);
  const auto& snap = scene.tick(10);
  EXPECT_EQ(snap.servers[0].active_players, 4u);
  EXPECT_EQ(snap.servers[0].unique_ips, (std::vector<std::string>{"192.0.2.50", "2001:db8::7"}));
  EXPECT_EQ(snap.servers[1].active_players, 0u);
  EXPECT_GT(snap.servers[0].total_bytes, 0u);
}

TEST(Sessions, OneAddressOnTwoPortsOfAServerIsOnePlayer) {
  Scene scene;  // cs listens on 27015/udp and 27015/tcp: a game using both is one player
  scene.add(make_key("192.0.2.60", 40001, 27015, IPPROTO_UDP)).both(0, 20, 30);
  scene.add(make_key("192.0.2.60", 40002, 27015, IPPROTO_TCP)).both(0, 20, 5);
  scene.tick(10);
  EXPECT_EQ(scene.players(), 1u);
}

TEST(Sessions, RoamingToANewAddressIsOnePlayerThroughout) {
  Scene scene;
  auto old_ep = make_key("198.51.100.1", 27005, 27015);
  auto new_ep = make_key("2001:db8::99", 51000, 27015);
  // The client moves at 20 s; the server keeps sending to the old address until 35 s.
  scene.add(old_ep).both(0, 20, 30).send(FLOWLENS_DIR_OUT, 20, 35, 30);
  scene.add(new_ep).both(21, 60, 30);
  for (int t = 3; t <= 60; ++t) {
    scene.tick(t);
    ASSERT_EQ(scene.players(), 1u) << "at tick " << t;
  }
  scene.tick(25);
  EXPECT_EQ(scene.decision(new_ep)->reason, Reason::kTookOver);
  EXPECT_EQ(scene.decision(old_ep)->reason, Reason::kMoved);
}

TEST(Sessions, NatRebindingAndBothSidesQuietIsOnePlayer) {
  Scene scene;  // port change only, and the server stops sending to the old port at once
  scene.add(make_key("198.51.100.2", 40000, 27015)).both(0, 20, 30);
  scene.add(make_key("198.51.100.2", 40777, 27015)).both(20.5, 60, 30);
  for (int t = 3; t <= 60; ++t) {
    scene.tick(t);
    ASSERT_EQ(scene.players(), 1u) << "at tick " << t;
  }
}

TEST(Sessions, TwoPlayersStayTwoWhenOneJoinsDuringTheOthersStall) {
  Scene scene;
  scene.add(make_key("198.51.100.3", 27005, 27015))
      .both(0, 20, 30)
      .send(FLOWLENS_DIR_OUT, 20, 60, 30)
      .both(22.5, 60, 30);  // 2.5 s lag stall
  scene.add(make_key("198.51.100.4", 27005, 27015)).both(21, 60, 30);
  for (int t = 26; t <= 60; ++t) {
    scene.tick(t);
    ASSERT_EQ(scene.players(), 2u) << "at tick " << t;
  }
}

TEST(Sessions, NoiseIsErasedAndPlayersAreNot) {
  Scene scene;
  auto probe = make_key("203.0.113.99", 55555, 27015);
  auto player = make_key("198.51.100.5", 27005, 27015);
  scene.add(probe).both(0, 0.2, 10);
  scene.add(player).both(0, 100, 30);
  for (int t = 1; t <= 100; ++t) scene.tick(t);
  EXPECT_TRUE(scene.erased(probe));
  EXPECT_FALSE(scene.erased(player));
  EXPECT_EQ(scene.players(), 1u);
}

TEST(Sessions, EndedSessionsAreErasedAfterTheirGraceTime) {
  Scene scene;
  auto closed = make_key("198.51.100.6", 40000, 25565, IPPROTO_TCP);
  auto silent = make_key("198.51.100.7", 27005, 27015);
  scene.add(closed).both(0, 10, 20).flag(FLOWLENS_DIR_IN, 10, FLOWLENS_TCP_FIN);
  scene.add(silent).both(0, 10, 30);
  for (int t = 1; t <= 30; ++t) scene.tick(t);
  EXPECT_TRUE(scene.erased(closed));   // expire_closed_seconds after its last packet
  EXPECT_FALSE(scene.erased(silent));  // kept for resume until expire_ended_seconds
  for (int t = 31; t <= 110; ++t) scene.tick(t);
  EXPECT_TRUE(scene.erased(silent));
}

TEST(Sessions, ANewServerIsUnknownUntilItsWarmUpHasPassed) {
  Scene scene;
  scene.add(make_key("198.51.100.8", 27005, 27015)).both(99, 200, 30);
  scene.tick(100);
  EXPECT_FALSE(scene.last.servers[0].known);
  EXPECT_FALSE(scene.last.servers[0].unknown_reason.empty());
  scene.tick(106);
  EXPECT_TRUE(scene.last.servers[0].known);
}

TEST(Sessions, ARestartOverPinnedMapsIsUnknownUntilItsSessionsCouldQualifyNotZero) {
  // The kernel kept counting before the stop; nothing was counted while the daemon was down
  // (97-100 s); the new estimator starts at 100 s over flows that are 100 s old.
  Scene scene;
  for (uint16_t port : {40001, 40002, 40003})
    scene.add(make_key("198.51.100.9", port, 27015)).both(0, 97, 30).both(100, 200, 30);
  for (int t = 101; t <= 120; ++t) {
    const auto& e = scene.tick(t).servers[0];
    ASSERT_TRUE(!e.known || e.active_players == 3u)
        << "at tick " << t << ": a known 0 or partial count after a restart";
  }
  EXPECT_TRUE(scene.last.servers[0].known);
  EXPECT_EQ(scene.players(), 3u);
}

TEST(Sessions, ASlowTickingPlayerCountsFasterOnAServerWhosePlayersArePacedToo) {
  Scene scene;
  auto slow = [](FlowHistory& f, double from) {
    f.both(from, from + 0.2, 20);
    f.send(FLOWLENS_DIR_IN, from + 0.5, 200, 1.0 / 3)
        .send(FLOWLENS_DIR_OUT, from + 0.55, 200, 1.0 / 3);
    f.send(FLOWLENS_DIR_OUT, from + 2.0, 200, 1.0 / 3);
  };
  slow(scene.add(make_key("198.51.100.30", 40001, 27015)), 0);
  auto late = make_key("198.51.100.31", 40001, 27015);
  slow(scene.add(late), 60);
  int counted_at = 0;
  for (int t = 1; t <= 90 && counted_at == 0; ++t) {
    scene.tick(t);
    if (t > 60 && scene.players() == 2) counted_at = t;
  }
  ASSERT_NE(counted_at, 0);
  EXPECT_LE(counted_at - 60, 7) << "the second paced player waits as long as the first";
  EXPECT_EQ(scene.decision(late)->reason, Reason::kPacedExchange);
}

TEST(Sessions, AnRconConsoleBesideSlowPlayersNeverCounts) {
  Scene scene;  // console commands every 4-6 s answered at once, beside a paced player
  scene.add(make_key("198.51.100.32", 40001, 27015))
      .both(0, 0.2, 20)
      .send(FLOWLENS_DIR_IN, 0.5, 300, 1.0 / 3)
      .send(FLOWLENS_DIR_OUT, 0.55, 300, 1.0 / 3)
      .send(FLOWLENS_DIR_OUT, 2.0, 300, 1.0 / 3);
  auto& rcon = scene.add(make_key("192.0.2.77", 50000, 27015, IPPROTO_TCP));
  for (double t = 0.3; t < 300; t += 4 + std::fmod(t * 7.3, 2.0))
    rcon.send(FLOWLENS_DIR_IN, t, t + 0.01, 100).send(FLOWLENS_DIR_OUT, t + 0.03, t + 0.04, 100);
  for (int t = 20; t <= 300; ++t) {
    scene.tick(t);
    ASSERT_EQ(scene.players(), 1u) << "at tick " << t;
  }
}

}  // namespace
}  // namespace flowlens::testing

namespace flowlens::testing {
namespace {

TEST(Sessions, AServerPauseForEveryPlayerHoldsThem) {
  Scene scene;  // a map change: the server and its three clients are quiet from 30 s to 45 s
  for (uint16_t port : {40001, 40002, 40003})
    scene.add(make_key("198.51.100.20", port, 27015)).both(0, 30, 30).both(45, 80, 30);
  for (int t = 5; t <= 80; ++t) {
    scene.tick(t);
    ASSERT_EQ(scene.players(), 3u) << "at tick " << t;
  }
}

TEST(Sessions, AServerQuietForLongerThanTheHoldHasLostItsPlayers) {
  Scene scene;  // a silent stop: nobody comes back
  for (uint16_t port : {40001, 40002, 40003})
    scene.add(make_key("198.51.100.21", port, 27015)).both(0, 30, 30);
  for (int t = 1; t <= 55; ++t) scene.tick(t);
  EXPECT_EQ(scene.players(), 3u);  // held: 25 s of quiet is within server_pause_hold_seconds
  for (int t = 56; t <= 61; ++t) scene.tick(t);
  EXPECT_EQ(scene.players(), 0u);  // empty within 30 s of the stop
}

TEST(Sessions, AStoppedServerRefusingItsClientsEmptiesAtOnce) {
  // A crash at 30 s: the clients keep sending for 10 s and the host answers port unreachable.
  Scene scene;
  for (uint16_t port : {40001, 40002, 40003})
    scene.add(make_key("198.51.100.24", port, 27015))
        .both(0, 30, 30)
        .send(FLOWLENS_DIR_IN, 30, 40, 5)
        .refuse_from(30, 40);
  for (int t = 1; t <= 30; ++t) scene.tick(t);
  EXPECT_EQ(scene.players(), 3u);
  scene.tick(31);
  EXPECT_EQ(scene.players(), 0u);
  EXPECT_EQ(scene.decision(make_key("198.51.100.24", 40001, 27015))->reason, Reason::kRefused);
}

TEST(Sessions, ARefusalEndsAServerPauseThatWasAStop) {
  // A clean shutdown at 30 s: everyone goes quiet (a pause, held), then one client retries at
  // 35 s and is refused: the server is down, not loading.
  Scene scene;
  for (uint16_t port : {40001, 40002, 40003})
    scene.add(make_key("198.51.100.25", port, 27015)).both(0, 30, 30);
  scene.flows.back().send(FLOWLENS_DIR_IN, 35, 35.1, 10).refuse_from(35, 36);
  for (int t = 1; t <= 34; ++t) scene.tick(t);
  EXPECT_EQ(scene.players(), 3u);  // held as a pause
  scene.tick(36);
  EXPECT_EQ(scene.players(), 0u);
}

TEST(Sessions, ALevelLoadWithReconnectsFromNewPortsHoldsTheCount) {
  // Five players; the server loads a map from 30 s to 55 s; three come back from new ports (one
  // at a time), one from the same port, one only at 58 s.
  Scene scene;
  for (uint16_t i = 0; i < 5; ++i) {
    std::string addr = "198.51.100." + std::to_string(40 + i);
    auto& old_ep = scene.add(make_key(addr, 40000, 27015)).both(0, 30, 30);
    if (i == 3) old_ep.both(55.5, 120, 30);
    if (i < 3) scene.add(make_key(addr, 41000 + i, 27015)).both(55 + 0.7 * i, 120, 30);
    if (i == 4) scene.add(make_key(addr, 45000, 27015)).both(58, 120, 30);
  }
  for (int t = 5; t <= 120; ++t) {
    scene.tick(t);
    ASSERT_EQ(scene.players(), 5u) << "at tick " << t;
  }
}

TEST(Sessions, TwoPlayersGoingQuietTogetherAreTwoLeaves) {
  Scene scene;  // the last two players leave in the same second: not a pause
  scene.add(make_key("198.51.100.22", 40001, 27015)).both(0, 30, 30);
  scene.add(make_key("198.51.100.23", 40001, 27015)).both(0, 30.2, 30);
  for (int t = 1; t <= 33; ++t) scene.tick(t);
  EXPECT_EQ(scene.players(), 0u);
}

}  // namespace
}  // namespace flowlens::testing
