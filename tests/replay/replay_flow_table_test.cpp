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

// The kernel marks a refusal only on an admitted flow and counts no packet for it; a capture with
// the same packets must give the same records.
TEST(ReplayFlowTable, ARefusalMarksOnlyTheAdmittedFlowItQuotes) {
  replay::ReplayFlowTable table;
  std::vector<model::Server> servers = {model::parse_server_spec("cs=27015/udp")};
  table.watch(servers);
  auto account = [&](const Bytes& f, uint64_t ts) {
    replay::ParsedPacket p;
    return replay::parse_frame(f.data(), f.size(), p) && table.account(p, f.size(), ts);
  };
  FrameSpec player = frame_to(27005, 27015), newcomer = frame_to(27006, 27015);
  FrameSpec elsewhere = frame_to(27005, 9999);
  ASSERT_TRUE(account(build_frame(player), 1000));
  ASSERT_TRUE(account(build_frame(player), 2000));
  ASSERT_TRUE(account(build_frame(newcomer), 2000));  // one packet: still in probation

  EXPECT_FALSE(account(refusal_frame(elsewhere), 2500)) << "a port of no server";
  EXPECT_FALSE(account(refusal_frame(newcomer), 2500)) << "not admitted: nothing to mark";
  EXPECT_TRUE(account(refusal_frame(player), 3000));
  EXPECT_TRUE(account(refusal_frame(player), 2900)) << "an older refusal keeps the latest";
  EXPECT_FALSE(account(refusal_frame(frame_to(27007, 27015)), 3000)) << "no flow is created";

  std::vector<model::FlowRecord> out;
  table.read_all(out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(ntohs(out[0].key.client_port), 27005);
  EXPECT_EQ(out[0].value.refused_ns, 3000u);
  EXPECT_EQ(out[0].value.dir[FLOWLENS_DIR_IN].packets, 2u) << "a refusal is no packet of the flow";
  EXPECT_EQ(out[0].value.dir[FLOWLENS_DIR_OUT].packets, 0u);
  EXPECT_EQ(out[0].value.dir[FLOWLENS_DIR_IN].last_ns, 2000u);

  account(build_frame(newcomer), 4000);
  table.read_all(out);
  for (const auto& r : out) {
    if (ntohs(r.key.client_port) == 27006) {
      EXPECT_EQ(r.value.refused_ns, 0u) << "refused before its admission";
    }
  }
}

TEST(ReplayFlowTable, ATcpRstFromTheServerIsARefusalOneFromTheClientIsNot) {
  replay::ReplayFlowTable table;
  std::vector<model::Server> servers = {model::parse_server_spec("mc=25565/tcp")};
  table.watch(servers);
  for (uint8_t from_server : {0, 1}) {
    FrameSpec rst = from_server ? frame_to(25565, 40000 + from_server, {}, IPPROTO_TCP)
                                : frame_to(40000 + from_server, 25565, {}, IPPROTO_TCP);
    rst.tcp_flags = FLOWLENS_TCP_RST | FLOWLENS_TCP_ACK;
    Bytes f = build_frame(rst);
    replay::ParsedPacket p;
    ASSERT_TRUE(replay::parse_frame(f.data(), f.size(), p));
    table.account(p, f.size(), 7000);
    table.account(p, f.size(), 8000);
  }
  std::vector<model::FlowRecord> out;
  table.read_all(out);
  ASSERT_EQ(out.size(), 2u);
  for (const auto& r : out) {
    bool from_server = ntohs(r.key.client_port) == 40001;
    EXPECT_EQ(r.value.refused_ns, from_server ? 8000u : 0u) << ntohs(r.key.client_port);
    EXPECT_EQ(r.value.end_ns, 7000u) << "either side's RST ends the flow";
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
