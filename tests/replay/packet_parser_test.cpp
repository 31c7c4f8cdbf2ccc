// SPDX-License-Identifier: BSD-2-Clause
// The replay parser accepts and skips exactly the frames the kernel program does.
#include <gtest/gtest.h>

#include "../bpf/query_cases.h"
#include "frame_builder.h"
#include "replay/packet_parser.h"

namespace flowlens::testing {
namespace {

struct ParseCase {
  const char* proves;
  FrameSpec spec;
  bool parsed;
  uint8_t tcp_flags = 0;
  int query = FLOWLENS_QUERY_NONE;
};

FrameSpec with(std::function<void(FrameSpec&)> f) {
  FrameSpec s;
  f(s);
  return s;
}

const ParseCase kCases[] = {
    {"IPv4 UDP is parsed", FrameSpec{}, true},
    {"IPv4 TCP carries its flags", with([](FrameSpec& s) {
       s.proto = IPPROTO_TCP;
       s.tcp_flags = 0x11;
     }),
     true, 0x11},
    {"a UDP payload starting FF FF FF FF is a query",
     with([](FrameSpec& s) { s.payload = {0xFF, 0xFF, 0xFF, 0xFF, 'T', 0}; }), true, 0,
     FLOWLENS_QUERY_PACKET},
    {"IPv4 options (IHL 7) are skipped to the UDP header",
     with([](FrameSpec& s) { s.ipv4_option_words = 2; }), true},
    {"one 802.1Q tag is skipped", with([](FrameSpec& s) { s.vlan_tags = 1; }), true},
    {"two tags (802.1ad + 802.1Q) are skipped", with([](FrameSpec& s) { s.vlan_tags = 2; }), true},
    {"three tags are more than the kernel reads", with([](FrameSpec& s) { s.vlan_tags = 3; }),
     false},
    {"an IPv4 first fragment (MF set, offset 0) is parsed",
     with([](FrameSpec& s) { s.ipv4_frag = 0x2000; }), true},
    {"an IPv4 later fragment is skipped", with([](FrameSpec& s) { s.ipv4_frag = 0x0010; }), false},
    {"IPv6 UDP is parsed", with([](FrameSpec& s) {
       s.src = "2001:db8::1";
       s.dst = "2001:db8:10::10";
     }),
     true},
    {"IPv6 hop-by-hop, routing and destination options are skipped", with([](FrameSpec& s) {
       s.src = "2001:db8::1";
       s.dst = "2001:db8:10::10";
       s.ipv6_ext = {0, 43, 60};
     }),
     true},
    {"an IPv6 first fragment is parsed", with([](FrameSpec& s) {
       s.src = "2001:db8::1";
       s.dst = "2001:db8:10::10";
       s.ipv6_ext = {44};
     }),
     true},
    {"an IPv6 later fragment is skipped", with([](FrameSpec& s) {
       s.src = "2001:db8::1";
       s.dst = "2001:db8:10::10";
       s.ipv6_ext = {44};
       s.ipv6_frag_off = 0x0008;
     }),
     false},
    {"five IPv6 extension headers are more than the kernel walks", with([](FrameSpec& s) {
       s.src = "2001:db8::1";
       s.dst = "2001:db8:10::10";
       s.ipv6_ext = {0, 60, 60, 60, 60};
     }),
     false},
    {"ICMP other than port unreachable is skipped",
     with([](FrameSpec& s) { s.proto = IPPROTO_ICMP; }), false},
};

TEST(PacketParser, MirrorsTheKernel) {
  for (const auto& c : kCases) {
    Bytes f = build_frame(c.spec);
    replay::ParsedPacket p;
    bool ok = replay::parse_frame(f.data(), f.size(), p);
    ASSERT_EQ(ok, c.parsed) << c.proves;
    if (!ok) continue;
    EXPECT_EQ(p.sport, c.spec.sport) << c.proves;
    EXPECT_EQ(p.dport, c.spec.dport) << c.proves;
    EXPECT_EQ(p.proto, c.spec.proto) << c.proves;
    EXPECT_EQ(p.tcp_flags, c.tcp_flags) << c.proves;
    EXPECT_EQ(p.query, c.query) << c.proves;
    EXPECT_FALSE(p.refused) << c.proves;
  }
}

// The replay parser classifies with the kernel's signature table: the same cases, the same kinds.
TEST(PacketParser, ClassifiesQueriesLikeTheKernel) {
  for (const QueryCase& c : query_cases()) {
    FrameSpec s;
    s.proto = c.proto;
    s.payload = c.payload;
    Bytes f = build_frame(s);
    replay::ParsedPacket p;
    ASSERT_TRUE(replay::parse_frame(f.data(), f.size(), p)) << c.proves;
    EXPECT_EQ(p.query, c.kind) << c.proves;
  }
}

// A refusal is described by the datagram it quotes: the client's packet to the server port.
TEST(PacketParser, PortUnreachableIsARefusalOfTheQuotedDatagram) {
  FrameSpec v6;
  v6.src = "2001:db8::1";
  v6.dst = "2001:db8:10::10";
  for (const FrameSpec& client : {FrameSpec{}, v6}) {
    Bytes f = refusal_frame(client);
    replay::ParsedPacket p;
    ASSERT_TRUE(replay::parse_frame(f.data(), f.size(), p)) << client.src;
    EXPECT_TRUE(p.refused);
    EXPECT_EQ(p.sport, client.sport) << "the client's port";
    EXPECT_EQ(p.dport, client.dport) << "the server's port";
    EXPECT_EQ(p.proto, IPPROTO_UDP);
    Bytes client_frame = build_frame(client);
    replay::ParsedPacket c;
    ASSERT_TRUE(replay::parse_frame(client_frame.data(), client_frame.size(), c));
    EXPECT_EQ(std::memcmp(p.src, c.src, 16), 0) << "the source is the client, as in its packet";
    EXPECT_EQ(std::memcmp(p.dst, c.dst, 16), 0);
  }
}

TEST(PacketParser, RefusalsWhoseQuoteLacksTheUdpPortsAreSkipped) {
  FrameSpec v6;
  v6.src = "2001:db8::1";
  v6.dst = "2001:db8:10::10";
  replay::ParsedPacket p;
  Bytes cut = refusal_frame(FrameSpec{}, 20 + 3);
  EXPECT_FALSE(replay::parse_frame(cut.data(), cut.size(), p)) << "one byte short of the ports";
  Bytes enough = refusal_frame(FrameSpec{}, 20 + 4);
  EXPECT_TRUE(replay::parse_frame(enough.data(), enough.size(), p) && p.refused);
  Bytes cut6 = refusal_frame(v6, 30);
  EXPECT_FALSE(replay::parse_frame(cut6.data(), cut6.size(), p)) << "cut in the IPv6 header";
  FrameSpec tcp;
  tcp.proto = IPPROTO_TCP;
  Bytes quoted_tcp = refusal_frame(tcp);
  EXPECT_FALSE(replay::parse_frame(quoted_tcp.data(), quoted_tcp.size(), p))
      << "a closed TCP port answers with RST, never ICMP";
  Bytes host_unreachable = refusal_frame(FrameSpec{});
  host_unreachable[14 + 20 + 1] = 1;  // code 1: host, not port, unreachable
  EXPECT_FALSE(replay::parse_frame(host_unreachable.data(), host_unreachable.size(), p));
}

TEST(PacketParser, TruncatedHeadersAreSkippedNotRead) {
  Bytes f = build_frame(FrameSpec{});
  replay::ParsedPacket p;
  for (size_t len : {0, 13, 20, 33, 41}) EXPECT_FALSE(replay::parse_frame(f.data(), len, p)) << len;
  EXPECT_TRUE(replay::parse_frame(f.data(), 42, p));  // 14 + 20 + 8: the UDP header is whole
}

// Found by the bpf_program fuzz target: the kernel skips an IPv4 EtherType whose header says
// another IP version, which replay counted.
TEST(PacketParser, Ipv4HeaderOfAnotherVersionIsSkipped) {
  Bytes f = build_frame(FrameSpec{});
  replay::ParsedPacket p;
  for (uint8_t version : {0, 5, 6, 8, 15}) {
    f[14] = static_cast<uint8_t>(version << 4 | 5);
    EXPECT_FALSE(replay::parse_frame(f.data(), f.size(), p)) << "version " << int(version);
  }
  f[14] = 0x45;
  EXPECT_TRUE(replay::parse_frame(f.data(), f.size(), p));
}

// Found by the bpf_program fuzz target: the kernel classifies no payload starting past byte
// FLOWLENS_MAX_PAYLOAD_OFF of the frame, which replay did (an IPv6 header stack that deep).
TEST(PacketParser, PayloadsPastTheKernelsOffsetBoundAreNotClassified) {
  FrameSpec s;
  s.src = "2001:db8::1";
  s.dst = "2001:db8:10::10";
  s.payload = {0xFF, 0xFF, 0xFF, 0xFF, 'T', 0};
  s.ipv6_ext = {60};
  Bytes near = build_frame(s);
  replay::ParsedPacket p;
  ASSERT_TRUE(replay::parse_frame(near.data(), near.size(), p));
  EXPECT_EQ(p.query, FLOWLENS_QUERY_PACKET) << "a payload at byte 70 is classified";
  // Destination options grown to 8 * 60 bytes: the UDP payload starts at 14 + 40 + 480 + 8 = 542.
  Bytes deep = near;
  const size_t ext = 14 + 40;
  deep[ext + 1] = 59;
  deep.insert(deep.begin() + ext + 8, 59 * 8, 0);
  ASSERT_TRUE(replay::parse_frame(deep.data(), deep.size(), p));
  EXPECT_EQ(p.query, FLOWLENS_QUERY_NONE) << "a payload at byte 542 is not";
}

TEST(PacketParser, Ipv4AddressesAreV4Mapped) {
  Bytes f = build_frame(FrameSpec{});
  replay::ParsedPacket p;
  ASSERT_TRUE(replay::parse_frame(f.data(), f.size(), p));
  const uint8_t mapped[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 51, 100, 1};
  EXPECT_EQ(std::memcmp(p.src, mapped, 16), 0);
}

}  // namespace
}  // namespace flowlens::testing
