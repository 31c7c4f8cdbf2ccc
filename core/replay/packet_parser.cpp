// SPDX-License-Identifier: BSD-2-Clause
#include "replay/packet_parser.h"

#include <netinet/in.h>

#include <cstring>

#include "flowlens_query.h"

namespace flowlens::replay {

namespace {

constexpr uint16_t kEthIpv4 = 0x0800;
constexpr uint16_t kEthIpv6 = 0x86DD;
constexpr uint16_t kEth8021Q = 0x8100;
constexpr uint16_t kEth8021AD = 0x88A8;
constexpr size_t kEthHeader = 14;
constexpr size_t kVlanTag = 4;
// Same limits as the kernel program, so replay accounts exactly the packets live mode would.
constexpr int kMaxVlanTags = 2;
constexpr int kMaxIpv6Ext = 4;
constexpr uint16_t kIpv4OffsetMask = 0x1FFF;
constexpr uint16_t kIpv6OffsetMask = 0xFFF8;
constexpr uint8_t kIpProtoAh = 51;
constexpr size_t kIcmpHeader = 8;
// Port unreachable: ICMPv4 destination unreachable (3) code 3, ICMPv6 (1) code 4.
constexpr uint8_t kIcmp4Unreachable = 3, kIcmp4PortUnreachable = 3;
constexpr uint8_t kIcmp6Unreachable = 1, kIcmp6PortUnreachable = 4;

uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}

void map_v4(uint8_t (&dst)[16], const uint8_t* v4) {
  std::memset(dst, 0, 10);
  dst[10] = dst[11] = 0xFF;
  std::memcpy(dst + 12, v4, 4);
}

// The quoted UDP header of a refusal: only its ports need to be there, as in the kernel.
bool parse_quoted_ports(const uint8_t* p, const uint8_t* end, ParsedPacket& out) {
  if (end - p < 4) return false;
  out.sport = be16(p);
  out.dport = be16(p + 2);
  out.proto = IPPROTO_UDP;
  out.refused = true;
  return true;
}

bool parse_icmp4(const uint8_t* p, const uint8_t* end, ParsedPacket& out) {
  if (end - p < static_cast<ptrdiff_t>(kIcmpHeader)) return false;
  if (p[0] != kIcmp4Unreachable || p[1] != kIcmp4PortUnreachable) return false;
  const uint8_t* ip = p + kIcmpHeader;
  if (end - ip < 20) return false;
  size_t ihl = (ip[0] & 0x0F) * 4u;
  if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != IPPROTO_UDP) return false;
  if (be16(ip + 6) & kIpv4OffsetMask) return false;
  if (static_cast<size_t>(end - ip) < ihl) return false;
  map_v4(out.src, ip + 12);
  map_v4(out.dst, ip + 16);
  return parse_quoted_ports(ip + ihl, end, out);
}

bool parse_icmp6(const uint8_t* p, const uint8_t* end, ParsedPacket& out) {
  if (end - p < static_cast<ptrdiff_t>(kIcmpHeader)) return false;
  if (p[0] != kIcmp6Unreachable || p[1] != kIcmp6PortUnreachable) return false;
  const uint8_t* ip6 = p + kIcmpHeader;
  if (end - ip6 < 40 || ip6[6] != IPPROTO_UDP) return false;
  std::memcpy(out.src, ip6 + 8, 16);
  std::memcpy(out.dst, ip6 + 24, 16);
  return parse_quoted_ports(ip6 + 40, end, out);
}

// As the kernel: a payload starting past FLOWLENS_MAX_PAYLOAD_OFF in the frame is not classified.
bool classified(const uint8_t* frame, const uint8_t* payload) {
  return payload - frame <= FLOWLENS_MAX_PAYLOAD_OFF;
}

bool parse_l4(const uint8_t* frame, const uint8_t* p, const uint8_t* end, uint8_t proto,
              ParsedPacket& out) {
  if (proto == IPPROTO_ICMP) return parse_icmp4(p, end, out);
  if (proto == IPPROTO_ICMPV6) return parse_icmp6(p, end, out);
  if (proto == IPPROTO_UDP) {
    if (end - p < 8) return false;
    uint16_t len = be16(p + 4);
    if (classified(frame, p + 8))
      out.query = static_cast<uint8_t>(flowlens_udp_query(p + 8, end, len > 8 ? len - 8u : 0u));
  } else if (proto == IPPROTO_TCP) {
    if (end - p < 20) return false;
    out.tcp_flags = p[13];
    // As in the kernel: a data offset below 5 is malformed and leaves nothing to classify.
    size_t doff = (p[12] >> 4) * 4u;
    if (doff >= 20 && static_cast<size_t>(end - p) >= doff && classified(frame, p + doff))
      out.query = static_cast<uint8_t>(flowlens_tcp_query(p + doff, end));
  } else {
    return false;
  }
  out.sport = be16(p);
  out.dport = be16(p + 2);
  out.proto = proto;
  return true;
}

bool parse_ipv4(const uint8_t* frame, const uint8_t* p, const uint8_t* end, ParsedPacket& out) {
  if (end - p < 20) return false;
  size_t ihl = (p[0] & 0x0F) * 4u;
  if ((p[0] >> 4) != 4 || ihl < 20) return false;
  if (be16(p + 6) & kIpv4OffsetMask) return false;  // later fragments carry no L4 header
  map_v4(out.src, p + 12);
  map_v4(out.dst, p + 16);
  if (static_cast<size_t>(end - p) < ihl) return false;
  return parse_l4(frame, p + ihl, end, p[9], out);
}

bool parse_ipv6(const uint8_t* frame, const uint8_t* p, const uint8_t* end, ParsedPacket& out) {
  if (end - p < 40) return false;
  uint8_t next = p[6];
  std::memcpy(out.src, p + 8, 16);
  std::memcpy(out.dst, p + 24, 16);
  const uint8_t* cur = p + 40;
  for (int i = 0; i < kMaxIpv6Ext; ++i) {
    if (next == IPPROTO_UDP || next == IPPROTO_TCP || next == IPPROTO_ICMPV6) break;
    if (end - cur < 8) return false;
    if (next == IPPROTO_FRAGMENT) {
      if (be16(cur + 2) & kIpv6OffsetMask) return false;
      next = cur[0];
      cur += 8;
    } else if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING || next == IPPROTO_DSTOPTS ||
               next == kIpProtoAh) {
      // AH counts its length in 4-byte units minus 2, the others in 8-byte units minus 1.
      size_t len = next == kIpProtoAh ? (cur[1] + 2u) * 4u : (cur[1] + 1u) * 8u;
      next = cur[0];
      if (static_cast<size_t>(end - cur) < len) return false;
      cur += len;
    } else {
      return false;
    }
  }
  return parse_l4(frame, cur, end, next, out);
}

}  // namespace

bool parse_frame(const uint8_t* frame, size_t caplen, ParsedPacket& out) {
  if (caplen < kEthHeader) return false;
  const uint8_t* end = frame + caplen;
  const uint8_t* p = frame + kEthHeader;
  uint16_t type = be16(frame + 12);
  for (int i = 0; i < kMaxVlanTags && (type == kEth8021Q || type == kEth8021AD); ++i) {
    if (end - p < static_cast<ptrdiff_t>(kVlanTag)) return false;
    type = be16(p + 2);
    p += kVlanTag;
  }
  out.tcp_flags = 0;
  out.query = FLOWLENS_QUERY_NONE;
  out.refused = false;
  if (type == kEthIpv4) return parse_ipv4(frame, p, end, out);
  if (type == kEthIpv6) return parse_ipv6(frame, p, end, out);
  return false;
}

}  // namespace flowlens::replay
