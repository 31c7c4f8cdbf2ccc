// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/tick_pipeline.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include "flowlens/plugin.h"
#include "model/server_spec.h"

namespace flowlens::daemon {
namespace {

// A flow table in memory: what read_all returns and what erase was asked to remove.
class FakeTable : public model::FlowTable {
 public:
  void read_all(std::vector<model::FlowRecord>& out) override { out = records; }
  void erase(std::span<const flowlens_flow_key> keys) override { erased += keys.size(); }
  std::vector<model::FlowRecord> records;
  size_t erased = 0;
};

model::FlowRecord flow(uint16_t server_port, uint16_t client_port) {
  model::FlowRecord r;
  r.key.client_addr[10] = r.key.client_addr[11] = 0xff;
  r.key.client_addr[12] = 198;
  r.key.client_addr[15] = 7;
  r.key.client_port = htons(client_port);
  r.key.server_port = htons(server_port);
  r.key.proto = IPPROTO_UDP;
  return r;
}

struct Fixture {
  registry::ServerRegistry registry;
  FakeTable table;
  estimator::Estimator estimator;
  std::vector<std::vector<model::Endpoint>> watched;
  bool watch_ok = true;
  std::vector<plugin_host::Event> events;
  TickPipeline pipeline{registry,
                        table,
                        estimator,
                        [this](const std::vector<model::Endpoint>& eps) {
                          watched.push_back(eps);
                          return watch_ok;
                        },
                        /*map_capacity=*/100,
                        [this](plugin_host::Event e) { events.push_back(std::move(e)); }};

  // "kind:server" for each event so far, then forgets them.
  std::vector<std::string> take_events() {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(std::to_string(e.kind) + ":" + e.server_id);
    events.clear();
    return out;
  }
};

std::string ev(uint32_t kind, const char* id) {
  return std::to_string(kind) + ":" + id;
}

constexpr uint64_t kSecond = 1'000'000'000ULL;

TEST(TickPipeline, FollowsRegistryChangesOnce) {
  Fixture f;
  f.registry.add("static", model::parse_server_spec("cs=27015/udp"));
  f.pipeline.step(10 * kSecond, 0);
  f.pipeline.step(11 * kSecond, 0);
  ASSERT_EQ(f.watched.size(), 1u) << "an unchanged registry must not rewrite the BPF map";
  EXPECT_EQ(f.watched[0].size(), 1u);
  f.registry.add("static", model::parse_server_spec("mc=25565/tcp"));
  auto snap = f.pipeline.step(12 * kSecond, 0);
  ASSERT_EQ(f.watched.size(), 2u);
  EXPECT_EQ(f.watched[1].size(), 2u);
  EXPECT_EQ(snap->servers.size(), 2u) << "the estimator reports every registered server";
}

// A map hovering at the line stays full until it has really drained: one warning, one "no longer
// full", and no server flipping between known and unknown every tick.
TEST(TickPipeline, FullFlowMapDrainsBelowALowerLine) {
  Fixture f;
  f.registry.add("static", model::parse_server_spec("cs=27015/udp"));
  const auto fill = [&](uint16_t n) {
    f.table.records.clear();
    for (uint16_t p = 0; p < n; ++p) f.table.records.push_back(flow(27015, 40000 + p));
  };
  f.pipeline.step(10 * kSecond, 0);  // past the warm-up below
  fill(100);
  EXPECT_FALSE(f.pipeline.step(100 * kSecond, 0)->servers[0].known);
  fill(95);
  EXPECT_FALSE(f.pipeline.step(101 * kSecond, 0)->servers[0].known) << "95% is not drained";
  fill(98);
  EXPECT_FALSE(f.pipeline.step(102 * kSecond, 0)->servers[0].known);
  fill(85);
  EXPECT_TRUE(f.pipeline.step(103 * kSecond, 0)->servers[0].known) << "85% is drained";
}

TEST(TickPipeline, RetriesWatchedPortsAfterAFailedUpdate) {
  Fixture f;
  f.registry.add("static", model::parse_server_spec("cs=27015/udp"));
  f.watch_ok = false;
  f.pipeline.step(10 * kSecond, 0);
  f.watch_ok = true;
  f.pipeline.step(11 * kSecond, 0);
  f.pipeline.step(12 * kSecond, 0);
  EXPECT_EQ(f.watched.size(), 2u) << "the failed update is retried once, then settled";
}

TEST(TickPipeline, FullFlowMapMakesEveryServerUnknown) {
  Fixture f;
  f.registry.add("static", model::parse_server_spec("cs=27015/udp"));
  for (uint16_t p = 0; p < 100; ++p) f.table.records.push_back(flow(27015, 40000 + p));
  auto snap = f.pipeline.step(100 * kSecond, 0);
  ASSERT_EQ(snap->servers.size(), 1u);
  EXPECT_FALSE(snap->servers[0].known) << "a full LRU map evicts players: the count is unknown";
  EXPECT_EQ(snap->servers[0].unknown_reason, "flow map full");
  EXPECT_EQ(f.pipeline.last_flow_count(), 100u);
}

TEST(TickPipeline, FollowingTheRegistryAtOnceWatchesANewServerBeforeTheNextTick) {
  Fixture f;
  f.pipeline.step(10 * kSecond, 0);
  f.registry.add("docker", model::parse_server_spec("mc=25565/tcp"));
  f.pipeline.follow_registry();
  ASSERT_EQ(f.watched.size(), 2u) << "the new port reaches the kernel map without a tick";
  EXPECT_EQ(f.watched[1].size(), 1u);
  f.pipeline.follow_registry();
  EXPECT_EQ(f.watched.size(), 2u) << "nothing changed since: no rewrite";
}

TEST(TickPipeline, EmitsServerAddedAndRemovedOncePerChange) {
  Fixture f;
  f.registry.add("docker", model::parse_server_spec("mc=25565/tcp"));
  f.registry.add("docker", model::parse_server_spec("cs=27015/udp"));
  f.pipeline.step(10 * kSecond, 0);
  EXPECT_EQ(f.take_events(), (std::vector<std::string>{ev(FLOWLENS_EVENT_SERVER_ADDED, "cs"),
                                                       ev(FLOWLENS_EVENT_SERVER_ADDED, "mc")}));
  f.pipeline.step(11 * kSecond, 0);
  EXPECT_TRUE(f.take_events().empty()) << "an unchanged registry says nothing";
  f.registry.remove("docker", "mc");
  f.pipeline.follow_registry();
  EXPECT_EQ(f.take_events(), std::vector<std::string>{ev(FLOWLENS_EVENT_SERVER_REMOVED, "mc")});
}

TEST(TickPipeline, EmitsUnknownOnlyWhenAKnownEstimateBecomesUnknown) {
  Fixture f;
  f.registry.add("static", model::parse_server_spec("cs=27015/udp"));
  auto first = f.pipeline.step(10 * kSecond, 0);
  f.take_events();
  ASSERT_FALSE(first->servers[0].known) << "warming up at start";
  auto later = f.pipeline.step(100 * kSecond, 0);
  ASSERT_TRUE(later->servers[0].known);
  EXPECT_TRUE(f.take_events().empty()) << "warm-up ending is not news, and start is not unknown";
  for (uint16_t p = 0; p < 100; ++p) f.table.records.push_back(flow(27015, 40000 + p));
  f.pipeline.step(101 * kSecond, 0);
  const auto& events = f.events;
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, static_cast<uint32_t>(FLOWLENS_EVENT_SERVER_UNKNOWN));
  EXPECT_EQ(events[0].server_id, "cs");
  EXPECT_NE(events[0].message.find("flow map full"), std::string::npos) << events[0].message;
  EXPECT_EQ(events[0].source, "core");
  f.events.clear();
  f.pipeline.step(102 * kSecond, 0);
  EXPECT_TRUE(f.take_events().empty()) << "still unknown: said once";
}

TEST(TickPipeline, AServerThatLostAPortToAnotherIsUnknownNotZero) {
  Fixture f;
  f.registry.add("a-static", model::parse_server_spec("cs=27015/udp"));
  f.registry.add("b-docker", model::parse_server_spec("gm=27015/udp"));
  f.pipeline.step(10 * kSecond, 0);
  auto snap = f.pipeline.step(100 * kSecond, 0);
  ASSERT_EQ(snap->servers.size(), 2u);
  EXPECT_EQ(snap->servers[0].server_id, "cs");
  EXPECT_TRUE(snap->servers[0].known) << "the first source keeps the port and its count";
  EXPECT_FALSE(snap->servers[1].known) << "gm cannot see its players: unknown, not 0";
  EXPECT_EQ(snap->servers[1].unknown_reason, "port conflict: 27015/udp belongs to a-static/cs");
}

TEST(TickPipeline, AmendShowsADiscoveryChangeWithoutATick) {
  Fixture f;
  f.registry.add("docker", model::parse_server_spec("cs=27015/udp"));
  f.pipeline.step(10 * kSecond, 0);
  auto last = f.pipeline.step(100 * kSecond, 1000);
  ASSERT_TRUE(last->servers[0].known);
  auto mc = model::parse_server_spec("mc=25565/tcp");
  mc.name = "Minecraft";
  f.registry.add("docker", mc);
  f.registry.remove("docker", "cs");
  ASSERT_TRUE(f.pipeline.follow_registry());
  auto amended = f.pipeline.amend(last, 101 * kSecond, 2000);
  ASSERT_EQ(amended->servers.size(), 1u) << "cs is withdrawn at once";
  EXPECT_EQ(amended->servers[0].server_id, "mc");
  EXPECT_EQ(amended->servers[0].name, "Minecraft");
  EXPECT_FALSE(amended->servers[0].known) << "a server just discovered is unknown, not 0";
  EXPECT_EQ(amended->servers[0].unknown_reason, "warming up: just discovered");
  EXPECT_EQ(amended->timestamp_unix_ms, 2000);
  EXPECT_FALSE(f.pipeline.follow_registry()) << "nothing new: no second snapshot";
}

}  // namespace
}  // namespace flowlens::daemon
