// SPDX-License-Identifier: BSD-2-Clause
// The kernel program classifies client payloads with the query signature table: each case of
// query_cases.h goes through BPF_PROG_TEST_RUN inside a flow and must leave the query count the
// table promises. A TCP status connection counts its opening packet and every later client
// packet; the server's packets never count.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "bpf_harness.h"
#include "packet_builder.h"
#include "privileged.h"
#include "query_cases.h"

namespace flowlens::testing {
namespace {

constexpr uint16_t kUdpPort = 27015;
constexpr uint16_t kTcpPort = 25565;
constexpr uint16_t kClientPort = 40000;
constexpr uint32_t kPlayAfter = 2;  // client packets without a signature after the case's packet

PacketBuilder client(uint8_t proto) {
  PacketBuilder b;
  b.ipv4("192.0.2.10", "198.51.100.1");
  if (proto == IPPROTO_TCP) return b.tcp(kClientPort, kTcpPort, FLOWLENS_TCP_ACK);
  return b.udp(kClientPort, kUdpPort);
}

PacketBuilder server(uint8_t proto) {
  PacketBuilder b;
  b.ipv4("198.51.100.1", "192.0.2.10");
  if (proto == IPPROTO_TCP) return b.tcp(kTcpPort, kClientPort, FLOWLENS_TCP_ACK);
  return b.udp(kUdpPort, kClientPort);
}

class QuerySignatures : public ::testing::TestWithParam<size_t> {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    auto dp = open_test_datapath();
    if (!dp) {
      load_error_ = dp.error().what();
      return;
    }
    dp_.emplace(std::move(dp.value()));
    std::vector<model::Endpoint> watched = {{kUdpPort, IPPROTO_UDP}, {kTcpPort, IPPROTO_TCP}};
    ASSERT_TRUE(dp_->set_watched(watched));
  }
  static void TearDownTestSuite() { dp_.reset(); }

  // Runs `frame` once on ingress (or egress) and checks the program passed it.
  void send(const std::vector<uint8_t>& frame, flowlens_direction dir) {
    RunResult r = run_frame(dp_->program_fd(dir), frame);
    ASSERT_EQ(r.err, 0) << "BPF_PROG_TEST_RUN failed";
    EXPECT_EQ(r.retval, static_cast<uint32_t>(TC_ACT_UNSPEC));
  }

  static inline std::optional<bpf::Datapath> dp_;
  static inline std::string load_error_;
};

// The case's packet, then two play packets from the client and one from the server.
TEST_P(QuerySignatures, CountsWhatTheTablePromises) {
  FLOWLENS_REQUIRE_ROOT();
  ASSERT_TRUE(dp_) << load_error_;
  const QueryCase c = query_cases()[GetParam()];
  SCOPED_TRACE(c.proves);
  clear_map(dp_->flow_map_fd());
  clear_probation(dp_->probation_map_fd());

  auto first = client(c.proto).payload(c.payload).build();
  send(first, FLOWLENS_DIR_IN);
  for (uint32_t i = 0; i < kPlayAfter; ++i)
    send(client(c.proto).payload_size(c.proto == IPPROTO_TCP ? 0 : 24).build(), FLOWLENS_DIR_IN);
  send(server(c.proto).payload_size(24).build(), FLOWLENS_DIR_OUT);

  auto key =
      flow_key("192.0.2.10", kClientPort, c.proto == IPPROTO_TCP ? kTcpPort : kUdpPort, c.proto);
  auto v = lookup_flow(dp_->flow_map_fd(), key);
  ASSERT_TRUE(v) << "the flow is admitted; first frame:\n" << hex(first);
  EXPECT_EQ(v->dir[FLOWLENS_DIR_IN].packets, 1 + kPlayAfter);
  uint32_t want = c.kind == FLOWLENS_QUERY_SESSION  ? 1 + kPlayAfter
                  : c.kind == FLOWLENS_QUERY_PACKET ? 1
                                                    : 0;
  EXPECT_EQ(v->query_packets, want) << "first frame:\n" << hex(first);
}

INSTANTIATE_TEST_SUITE_P(Bpf, QuerySignatures, ::testing::Range<size_t>(0, query_cases().size()));

// A signature is matched only within the bytes the program can read: the frame cut inside the
// signature (as when the payload lies past the linear head of the skb) is play, not a query.
TEST(QuerySignaturesCut, ASignaturePastTheReadableBytesIsNotAQuery) {
  FLOWLENS_REQUIRE_ROOT();
  auto dp = open_test_datapath();
  ASSERT_TRUE(dp) << dp.error().what();
  std::vector<model::Endpoint> watched = {{kUdpPort, IPPROTO_UDP}, {kTcpPort, IPPROTO_TCP}};
  ASSERT_TRUE(dp.value().set_watched(watched));
  const int in = dp.value().program_fd(FLOWLENS_DIR_IN);
  const size_t headers = 14 + 20 + 8;

  auto a2s = client(IPPROTO_UDP).payload(with(kOob, bytes({"TSource Engine Query"})));
  run_frame(in, a2s.build(), 2);
  // The same query with only three of its four FF bytes readable.
  run_frame(in, a2s.truncate(headers + 3).build(), 3);
  auto key = flow_key("192.0.2.10", kClientPort, kUdpPort, IPPROTO_UDP);
  auto v = lookup_flow(dp.value().flow_map_fd(), key);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->dir[FLOWLENS_DIR_IN].packets, 5u);
  EXPECT_EQ(v->query_packets, 2u) << "only the whole queries count";
}

// A status connection marks its flow: the server's packets are not queries, and a second
// connection from another port is a new flow that starts unmarked.
TEST(QuerySignaturesSession, OnlyTheStatusConnectionsClientPacketsCount) {
  FLOWLENS_REQUIRE_ROOT();
  auto dp = open_test_datapath();
  ASSERT_TRUE(dp) << dp.error().what();
  std::vector<model::Endpoint> watched = {{kTcpPort, IPPROTO_TCP}};
  ASSERT_TRUE(dp.value().set_watched(watched));
  const int in = dp.value().program_fd(FLOWLENS_DIR_IN);
  const int out = dp.value().program_fd(FLOWLENS_DIR_OUT);
  const uint8_t kSyn = FLOWLENS_TCP_SYN, kAck = FLOWLENS_TCP_ACK;
  auto from = [](uint16_t port, uint8_t flags) {
    return PacketBuilder().ipv4("192.0.2.10", "198.51.100.1").tcp(port, kTcpPort, flags);
  };
  auto to = [](uint16_t port, uint8_t flags) {
    return PacketBuilder().ipv4("198.51.100.1", "192.0.2.10").tcp(kTcpPort, port, flags);
  };

  // Status ping: SYN, SYN-ACK, ACK, handshake + request, status, ping, pong, FIN both ways.
  run_frame(in, from(41000, kSyn).payload({}).build());
  run_frame(out, to(41000, kSyn | kAck).payload({}).build());
  run_frame(in, from(41000, kAck).payload({}).build());
  run_frame(in, from(41000, kAck).payload(with(mc_handshake(1, "mc"), {0x01, 0x00})).build());
  run_frame(out, to(41000, kAck).payload_size(200).build());
  run_frame(in, from(41000, kAck).payload({0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 7}).build());
  run_frame(out, to(41000, kAck).payload({0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 7}).build());
  run_frame(in, from(41000, kAck | FLOWLENS_TCP_FIN).payload({}).build());
  // A player's login from another port: handshake with next state 2, then play.
  run_frame(in, from(41001, kSyn).payload({}).build());
  run_frame(in, from(41001, kAck).payload({}).build());
  run_frame(in, from(41001, kAck).payload(mc_handshake(2, "mc")).build());
  run_frame(in, from(41001, kAck).payload_size(40).build());

  auto ping = lookup_flow(dp.value().flow_map_fd(), flow_key("192.0.2.10", 41000, kTcpPort, 6));
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->dir[FLOWLENS_DIR_IN].packets, 5u);
  EXPECT_EQ(ping->query_packets, 3u) << "handshake, ping and FIN; not the SYN and ACK before";
  auto login = lookup_flow(dp.value().flow_map_fd(), flow_key("192.0.2.10", 41001, kTcpPort, 6));
  ASSERT_TRUE(login);
  EXPECT_EQ(login->query_packets, 0u);
}

}  // namespace
}  // namespace flowlens::testing
