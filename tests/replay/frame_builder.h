/* SPDX-License-Identifier: BSD-2-Clause */
// Builds Ethernet frames and capture files (classic pcap and pcapng) for the replay tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <fstream>
#include <string>
#include <vector>

namespace flowlens::testing {

using Bytes = std::vector<uint8_t>;

struct FrameSpec {
  std::string src = "198.51.100.1";
  std::string dst = "203.0.113.10";
  uint16_t sport = 27005;
  uint16_t dport = 27015;
  uint8_t proto = IPPROTO_UDP;
  uint8_t tcp_flags = 0x10;
  Bytes payload = Bytes(40, 0xAB);
  int vlan_tags = 0;
  int ipv4_option_words = 0;      // IHL above 5
  uint16_t ipv4_frag = 0;         // raw frag_off field (offset | MF)
  std::vector<uint8_t> ipv6_ext;  // extension header types to put before L4 (0, 43, 44, 60)
  uint16_t ipv6_frag_off = 0;     // offset field of a fragment extension header
};

inline void put16(Bytes& b, uint16_t v) {
  b.push_back(v >> 8);
  b.push_back(v & 0xFF);
}

inline Bytes build_frame(const FrameSpec& s) {
  Bytes l4;
  if (s.proto == IPPROTO_ICMP || s.proto == IPPROTO_ICMPV6) {
    // no ports: the payload is the whole ICMP message
  } else if (s.proto == IPPROTO_UDP) {
    put16(l4, s.sport);
    put16(l4, s.dport);
    put16(l4, static_cast<uint16_t>(8 + s.payload.size()));
    put16(l4, 0);
  } else {
    put16(l4, s.sport);
    put16(l4, s.dport);
    for (int i = 0; i < 8; ++i) l4.push_back(0);  // seq, ack
    l4.push_back(0x50);
    l4.push_back(s.tcp_flags);
    put16(l4, 64240);
    put16(l4, 0);
    put16(l4, 0);
  }
  l4.insert(l4.end(), s.payload.begin(), s.payload.end());

  Bytes f = {2, 0, 0, 0, 0, 10, 2, 0, 0, 0, 0, 1};
  for (int i = 0; i < s.vlan_tags; ++i) {
    put16(f, i == 0 && s.vlan_tags > 1 ? 0x88A8 : 0x8100);
    put16(f, 100 + i);
  }
  in6_addr a6, b6;
  in_addr a4, b4;
  if (inet_pton(AF_INET, s.src.c_str(), &a4) == 1) {
    inet_pton(AF_INET, s.dst.c_str(), &b4);
    put16(f, 0x0800);
    size_t ihl = 5 + s.ipv4_option_words;
    f.push_back(static_cast<uint8_t>(0x40 | ihl));
    f.push_back(0);
    put16(f, static_cast<uint16_t>(ihl * 4 + l4.size()));
    put16(f, 1);
    put16(f, s.ipv4_frag);
    f.push_back(64);
    f.push_back(s.proto);
    put16(f, 0);
    f.insert(f.end(), reinterpret_cast<uint8_t*>(&a4), reinterpret_cast<uint8_t*>(&a4) + 4);
    f.insert(f.end(), reinterpret_cast<uint8_t*>(&b4), reinterpret_cast<uint8_t*>(&b4) + 4);
    for (int i = 0; i < s.ipv4_option_words * 4; ++i) f.push_back(1);  // NOP options
  } else {
    inet_pton(AF_INET6, s.src.c_str(), &a6);
    inet_pton(AF_INET6, s.dst.c_str(), &b6);
    Bytes ext;
    uint8_t first = s.ipv6_ext.empty() ? s.proto : s.ipv6_ext[0];
    for (size_t i = 0; i < s.ipv6_ext.size(); ++i) {
      uint8_t next = i + 1 < s.ipv6_ext.size() ? s.ipv6_ext[i + 1] : s.proto;
      ext.push_back(next);
      ext.push_back(0);  // 8 bytes long (fragment header: reserved)
      if (s.ipv6_ext[i] == IPPROTO_FRAGMENT) {
        put16(ext, s.ipv6_frag_off);
        for (int k = 0; k < 4; ++k) ext.push_back(0);
      } else {
        for (int k = 0; k < 6; ++k) ext.push_back(k == 0 ? 1 : 0);
      }
    }
    put16(f, 0x86DD);
    f.insert(f.end(), {0x60, 0, 0, 0});
    put16(f, static_cast<uint16_t>(ext.size() + l4.size()));
    f.push_back(first);
    f.push_back(64);
    f.insert(f.end(), a6.s6_addr, a6.s6_addr + 16);
    f.insert(f.end(), b6.s6_addr, b6.s6_addr + 16);
    f.insert(f.end(), ext.begin(), ext.end());
  }
  f.insert(f.end(), l4.begin(), l4.end());
  return f;
}

// The ICMP port unreachable a server host sends back for `quoted` (a client's frame to it, no
// VLAN tag): it quotes the first `quote_len` bytes of the client's IP packet.
inline Bytes refusal_frame(const FrameSpec& quoted, size_t quote_len = 1000) {
  Bytes inner = build_frame(quoted);
  inner.erase(inner.begin(), inner.begin() + 14);
  inner.resize(std::min(inner.size(), quote_len));
  bool v6 = quoted.src.find(':') != std::string::npos;
  FrameSpec s;
  s.src = quoted.dst;
  s.dst = quoted.src;
  s.proto = v6 ? uint8_t{IPPROTO_ICMPV6} : uint8_t{IPPROTO_ICMP};
  s.payload = {
      static_cast<uint8_t>(v6 ? 1 : 3), static_cast<uint8_t>(v6 ? 4 : 3), 0, 0, 0, 0, 0, 0};
  s.payload.insert(s.payload.end(), inner.begin(), inner.end());
  return build_frame(s);
}

struct TimedFrame {
  double ts;
  Bytes frame;
};

template <typename T>
void put_le(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);  // the test host is little-endian
}

inline std::string pcap_bytes(const std::vector<TimedFrame>& frames, uint32_t link = 1) {
  std::string out;
  put_le<uint32_t>(out, 0xA1B2C3D4);
  put_le<uint16_t>(out, 2);
  put_le<uint16_t>(out, 4);
  put_le<int32_t>(out, 0);
  put_le<uint32_t>(out, 0);
  put_le<uint32_t>(out, 262144);
  put_le<uint32_t>(out, link);
  for (const auto& f : frames) {
    auto sec = static_cast<uint32_t>(f.ts);
    auto usec = static_cast<uint32_t>((f.ts - sec) * 1e6 + 0.5);
    put_le(out, sec);
    put_le(out, usec);
    put_le(out, static_cast<uint32_t>(f.frame.size()));
    put_le(out, static_cast<uint32_t>(f.frame.size()));
    out.append(f.frame.begin(), f.frame.end());
  }
  return out;
}

inline std::string pcapng_bytes(const std::vector<TimedFrame>& frames) {
  std::string out;
  auto block = [&](uint32_t type, const std::string& body) {
    uint32_t len = static_cast<uint32_t>(12 + body.size());
    put_le(out, type);
    put_le(out, len);
    out += body;
    put_le(out, len);
  };
  std::string shb;
  put_le<uint32_t>(shb, 0x1A2B3C4D);
  put_le<uint16_t>(shb, 1);
  put_le<uint16_t>(shb, 0);
  put_le<int64_t>(shb, -1);
  block(0x0A0D0D0A, shb);
  std::string idb;
  put_le<uint16_t>(idb, 1);  // Ethernet
  put_le<uint16_t>(idb, 0);
  put_le<uint32_t>(idb, 262144);
  block(1, idb);  // default resolution: microseconds
  for (const auto& f : frames) {
    auto us = static_cast<uint64_t>(f.ts * 1e6 + 0.5);
    std::string epb;
    put_le<uint32_t>(epb, 0);
    put_le<uint32_t>(epb, static_cast<uint32_t>(us >> 32));
    put_le<uint32_t>(epb, static_cast<uint32_t>(us));
    put_le<uint32_t>(epb, static_cast<uint32_t>(f.frame.size()));
    put_le<uint32_t>(epb, static_cast<uint32_t>(f.frame.size()));
    epb.append(f.frame.begin(), f.frame.end());
    while (epb.size() % 4) epb.push_back('\0');
    block(6, epb);
  }
  return out;
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace flowlens::testing
