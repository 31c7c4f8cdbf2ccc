/* SPDX-License-Identifier: BSD-2-Clause */
// Frame parsing for replay, mirroring the kernel program (bpf/flowlens.bpf.c): Ethernet with up to
// two 802.1Q/802.1ad tags, IPv4 (IHL honoured, non-first fragments skipped), IPv6 with up to four
// extension headers (non-first fragments skipped), then TCP or UDP, or an ICMP port unreachable
// quoting a UDP datagram (a refusal, which the kernel sees on egress). Anything else is skipped.
#pragma once

#include <cstddef>
#include <cstdint>

namespace flowlens::replay {

struct ParsedPacket {
  uint8_t src[16];  // IPv4 as v4-mapped IPv6
  uint8_t dst[16];
  uint16_t sport = 0;  // host byte order
  uint16_t dport = 0;
  uint8_t proto = 0;      // IPPROTO_TCP or IPPROTO_UDP
  uint8_t tcp_flags = 0;  // byte 13 of the TCP header
  uint8_t query = 0;      // enum flowlens_query_kind of the payload (bpf/flowlens_query.h)
  // An ICMP port unreachable; every field above then describes the quoted datagram (the client's
  // packet to the server port), not the ICMP packet itself.
  bool refused = false;
};

// Fills `out` from the first `caplen` bytes of an Ethernet frame; false when the frame carries no
// TCP/UDP header the kernel would account.
bool parse_frame(const uint8_t* frame, size_t caplen, ParsedPacket& out);

}  // namespace flowlens::replay
