// SPDX-License-Identifier: BSD-2-Clause
// A spoofed-source flood (every source one packet) must not push established players out of the
// flow map: new flows wait in probation and only a second packet admits them.
#include <gtest/gtest.h>

#include <string>

#include "bpf_harness.h"
#include "packet_builder.h"
#include "privileged.h"

namespace flowlens::testing {
namespace {

constexpr uint16_t kPort = 27015;
constexpr uint32_t kFlowMapSize = 64;  // small on purpose: the flood is 1500x larger
constexpr uint32_t kProbationSize = 256;
constexpr int kPlayers = 20;
constexpr int kFloodSources = 100000;
constexpr uint32_t kPlayerIn = 30, kPlayerOut = 25;

std::string player_addr(int i) {
  return "192.0.2." + std::to_string(10 + i);
}

// 10.x.y.z, a distinct spoofed source for each i.
std::string flood_addr(int i) {
  return "10." + std::to_string((i >> 16) & 0xff) + "." + std::to_string((i >> 8) & 0xff) + "." +
         std::to_string(i & 0xff);
}

TEST(Flood, SpoofedOnePacketSourcesDoNotEvictPlayers) {
  FLOWLENS_REQUIRE_ROOT();
  auto dp = open_test_datapath(kFlowMapSize, kProbationSize);
  ASSERT_TRUE(dp) << dp.error().what();
  auto& d = dp.value();
  std::vector<model::Endpoint> watched = {{kPort, IPPROTO_UDP}};
  ASSERT_TRUE(d.set_watched(watched));
  const int in_fd = d.program_fd(FLOWLENS_DIR_IN), out_fd = d.program_fd(FLOWLENS_DIR_OUT);

  auto to_server = [](int i) {
    return PacketBuilder().ipv4(player_addr(i), "198.51.100.1").udp(30000, kPort).build();
  };
  auto to_client = [](int i) {
    return PacketBuilder().ipv4("198.51.100.1", player_addr(i)).udp(kPort, 30000).build();
  };
  for (int i = 0; i < kPlayers; ++i) {
    ASSERT_EQ(run_frame(in_fd, to_server(i), kPlayerIn).err, 0);
    ASSERT_EQ(run_frame(out_fd, to_client(i), kPlayerOut).err, 0);
  }
  ASSERT_EQ(map_keys(d.flow_map_fd()).size(), static_cast<size_t>(kPlayers));

  // The flood interleaves with play: every 1000 spoofed packets each player sends one more.
  uint64_t extra = 0;
  for (int i = 0; i < kFloodSources; ++i) {
    auto spoofed = PacketBuilder()
                       .ipv4(flood_addr(i), "198.51.100.1")
                       .udp(static_cast<uint16_t>(1024 + i % 60000), kPort)
                       .build();
    ASSERT_EQ(run_frame(in_fd, spoofed).err, 0);
    if (i % 1000 == 999) {
      for (int p = 0; p < kPlayers; ++p) run_frame(in_fd, to_server(p));
      ++extra;
    }
  }

  auto keys = map_keys(d.flow_map_fd());
  EXPECT_EQ(keys.size(), static_cast<size_t>(kPlayers)) << "only players are in the flow map";
  for (int i = 0; i < kPlayers; ++i) {
    auto v = lookup_flow(d.flow_map_fd(), flow_key(player_addr(i), 30000, kPort, IPPROTO_UDP));
    ASSERT_TRUE(v) << "player " << player_addr(i) << " was evicted by the flood";
    EXPECT_EQ(v->dir[FLOWLENS_DIR_IN].packets, kPlayerIn + extra) << player_addr(i);
    EXPECT_EQ(v->dir[FLOWLENS_DIR_OUT].packets, kPlayerOut) << player_addr(i);
    EXPECT_EQ(v->dir[FLOWLENS_DIR_IN].bytes, (kPlayerIn + extra) * to_server(i).size());
  }
  EXPECT_GT(probation_flows(d.probation_map_fd()).size(), kProbationSize / 2)
      << "the flood went to probation";
}

}  // namespace
}  // namespace flowlens::testing
