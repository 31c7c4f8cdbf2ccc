// SPDX-License-Identifier: BSD-2-Clause
// One Ethernet frame as replay reads it from a capture: whatever the bytes, parse_frame reads
// only inside them (ASan sees the exact length) and, when it accounts the frame, says what the
// kernel program would: TCP or UDP between two addresses of one family, a refusal only for UDP.
#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "flowlens_query.h"
#include "fuzz_check.h"
#include "replay/packet_parser.h"

namespace {

using flowlens::fuzz::fail;

bool v4_mapped(const uint8_t (&a)[16]) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  return std::memcmp(a, kPrefix, sizeof kPrefix) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flowlens::replay::ParsedPacket p;
  if (!flowlens::replay::parse_frame(data, size, p)) return 0;
  if (p.proto != IPPROTO_TCP && p.proto != IPPROTO_UDP) fail("accounted a protocol not TCP/UDP");
  if (p.refused && p.proto != IPPROTO_UDP) fail("a refusal of something other than UDP");
  // An IPv6 packet may carry v4-mapped addresses itself, so only the converse holds: an IPv4
  // frame gives two mapped addresses, never one. Not for refusals: the addresses are then the
  // quoted packet's, and the kernel (whose rules replay mirrors) takes an ICMPv6 error inside
  // IPv4 as it takes one inside IPv6.
  if (!p.refused && size >= 14 && data[12] == 0x08 && data[13] == 0x00 &&
      v4_mapped(p.src) != v4_mapped(p.dst))
    fail("an IPv4 frame with one address not v4-mapped");
  if (p.query > FLOWLENS_QUERY_SESSION) fail("a query kind outside the enum");
  return 0;
}
