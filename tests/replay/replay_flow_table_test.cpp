// SPDX-License-Identifier: BSD-2-Clause
// The replay flow table accounts packets as the kernel does: direction from the server's ports,
// the client endpoint as the key, queries flagged only inbound, single packets held back.
#include <gtest/gtest.h>

#include "frame_builder.h"
#include "model/server_spec.h"
#include "replay/packet_parser.h"
#include "replay/replay_flow_table.h"

namespace flowlens::testing {
namespace {

struct TableCase {
  const char* proves;
  FrameSpec spec;
  bool accounted;
  int dir = FLOWLENS_DIR_IN;
  bool query = false;
};

FrameSpec frame_to(uint16_t sport, uint16_t dport, Bytes payload = Bytes(40, 0xAB),
                   uint8_t proto = IPPROTO_UDP) {
  FrameSpec s;
  s.sport = sport;
  s.dport = dport;
  s.payload = payload;
  s.proto = proto;
  return s;
}

const Bytes kQuery = {0xFF, 0xFF, 0xFF, 0xFF, 'T', 0};

const TableCase kCases[] = {
    {"a packet to a server port is ingress", frame_to(27005, 27015), true, FLOWLENS_DIR_IN},
    {"a packet from a server port is egress", frame_to(27015, 27005), true, FLOWLENS_DIR_OUT},
    {"a packet of no server is not accounted", frame_to(27005, 9999), false},
    {"the protocol must match the server's", frame_to(27005, 27015, {}, IPPROTO_TCP), false},
    {"an inbound FF FF FF FF payload is a query", frame_to(27005, 27015, kQuery), true,
     FLOWLENS_DIR_IN, true},
    {"an outbound FF FF FF FF payload is not", frame_to(27015, 27005, kQuery), true,
     FLOWLENS_DIR_OUT, false},
};

TEST(ReplayFlowTable, AccountsLikeTheKernel) {
  for (const auto& c : kCases) {
    replay::ReplayFlowTable table;
    std::vector<model::Server> servers = {model::parse_server_spec("cs=27015/udp")};
    table.watch(servers);
    Bytes f = build_frame(c.spec);
    replay::ParsedPacket p;
    ASSERT_TRUE(replay::parse_frame(f.data(), f.size(), p)) << c.proves;
    // Two packets: the kernel admits a flow into its map with the second.
    bool a = table.account(p, f.size(), 5000000000ULL);
    table.account(p, f.size(), 5500000000ULL);
    ASSERT_EQ(a, c.accounted) << c.proves;
    std::vector<model::FlowRecord> out;
    table.read_all(out);
    if (!c.accounted) {
      EXPECT_TRUE(out.empty()) << c.proves;
      continue;
    }
    ASSERT_EQ(out.size(), 1u) << c.proves;
    const auto& r = out[0];
    EXPECT_EQ(ntohs(r.key.client_port), 27005) << c.proves;
    EXPECT_EQ(ntohs(r.key.server_port), 27015) << c.proves;
    EXPECT_EQ(r.value.dir[c.dir].packets, 2u) << c.proves;
    EXPECT_EQ(r.value.dir[c.dir].bytes, 2 * f.size()) << c.proves;
    EXPECT_EQ(r.value.dir[1 - c.dir].packets, 0u) << c.proves;
    EXPECT_EQ(r.value.query_packets, c.query ? 2u : 0u) << c.proves;
    EXPECT_EQ(r.value.first_ns, 5000000000ULL) << c.proves;
    EXPECT_EQ(r.value.dir[c.dir].last_ns, 5500000000ULL) << c.proves;
  }
}

TEST(ReplayFlowTable, AFlowWithOnePacketIsHeldBackAndErasedFlowsGo) {
  replay::ReplayFlowTable table;
  std::vector<model::Server> servers = {model::parse_server_spec("cs=27015/udp")};
  table.watch(servers);
  Bytes f = build_frame(frame_to(27005, 27015));
  replay::ParsedPacket p;
  ASSERT_TRUE(replay::parse_frame(f.data(), f.size(), p));
  table.account(p, f.size(), 1);
  std::vector<model::FlowRecord> out;
  table.read_all(out);
  EXPECT_TRUE(out.empty());  // still in the kernel's probation map
  table.account(p, f.size(), 2);
  table.read_all(out);
  ASSERT_EQ(out.size(), 1u);
  flowlens_flow_key k = out[0].key;
  table.erase({&k, 1});
  table.read_all(out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace flowlens::testing
