/* SPDX-License-Identifier: BSD-2-Clause */
// Builds Ethernet frames for BPF_PROG_TEST_RUN fixtures and the benchmark: each call adds or
// changes one header, build() lays them out. Checksums are left zero: the program never reads them.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowlens::testing {

class PacketBuilder {
 public:
  // Ethernet payload type for frames that are not IP (ARP, LLDP...).
  PacketBuilder& ethertype(uint16_t type) {
    ethertype_ = type;
    return *this;
  }
  // Adds a VLAN tag outside the ones already added: call with 0x88a8 then 0x8100 for QinQ.
  PacketBuilder& vlan(uint16_t vid, uint16_t tpid = 0x8100) {
    vlans_.push_back({tpid, vid});
    return *this;
  }
  PacketBuilder& ipv4(const std::string& src, const std::string& dst) {
    v6_ = false;
    ethertype_ = 0x0800;
    parse(AF_INET, src, src_);
    parse(AF_INET, dst, dst_);
    return *this;
  }
  PacketBuilder& ipv6(const std::string& src, const std::string& dst) {
    v6_ = true;
    ethertype_ = 0x86dd;
    parse(AF_INET6, src, src_);
    parse(AF_INET6, dst, dst_);
    return *this;
  }
  // IPv4 options: `words` 32-bit words of NOP options, so IHL = 5 + words.
  PacketBuilder& ip_options(int words) {
    option_words_ = words;
    return *this;
  }
  // Overrides IHL (e.g. a malformed value below 5).
  PacketBuilder& ihl(int value) {
    ihl_ = value;
    return *this;
  }
  // IPv4 or IPv6 fragment: offset in 8-byte units, `more` = more fragments follow.
  PacketBuilder& fragment(uint16_t offset, bool more) {
    frag_ = Frag{offset, more};
    return *this;
  }
  // IPv6 extension header (hop-by-hop 0, routing 43, destination options 60), 8 bytes each.
  PacketBuilder& ipv6_ext(uint8_t type) {
    ext_.push_back(type);
    return *this;
  }
  PacketBuilder& udp(uint16_t sport, uint16_t dport) { return l4(IPPROTO_UDP, sport, dport); }
  PacketBuilder& tcp(uint16_t sport, uint16_t dport, uint8_t flags) {
    tcp_flags_ = flags;
    return l4(IPPROTO_TCP, sport, dport);
  }
  // Any other IP protocol number (e.g. ICMP), without an L4 header of ours.
  PacketBuilder& ip_proto(uint8_t proto) { return l4(proto, 0, 0); }
  PacketBuilder& payload(std::vector<uint8_t> bytes) {
    payload_ = std::move(bytes);
    return *this;
  }
  PacketBuilder& payload_size(size_t n) {
    payload_.assign(n, 0x42);
    return *this;
  }
  // Cuts the finished frame to `len` bytes, as a capture snaplen or a broken sender would.
  PacketBuilder& truncate(size_t len) {
    truncate_ = len;
    return *this;
  }

  std::vector<uint8_t> build() const {
    std::vector<uint8_t> f = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2};  // dst, src MAC
    for (const auto& v : vlans_) {
      put16(f, v.tpid);
      put16(f, v.vid);
    }
    put16(f, ethertype_);
    if (ethertype_ == 0x0800 || ethertype_ == 0x86dd) {
      std::vector<uint8_t> l4 = l4_bytes();
      if (v6_)
        build_ipv6(f, l4);
      else
        build_ipv4(f, l4);
    } else {
      f.resize(f.size() + 46, 0);  // minimum Ethernet payload
    }
    if (truncate_ && *truncate_ < f.size()) f.resize(*truncate_);
    return f;
  }

 private:
  struct Tag {
    uint16_t tpid, vid;
  };
  struct Frag {
    uint16_t offset;
    bool more;
  };

  static void put16(std::vector<uint8_t>& f, uint16_t v) {
    f.push_back(static_cast<uint8_t>(v >> 8));
    f.push_back(static_cast<uint8_t>(v));
  }
  static void parse(int af, const std::string& text, std::vector<uint8_t>& out) {
    out.assign(af == AF_INET ? 4 : 16, 0);
    if (inet_pton(af, text.c_str(), out.data()) != 1)
      throw std::invalid_argument("address " + text);
  }
  PacketBuilder& l4(uint8_t proto, uint16_t sport, uint16_t dport) {
    proto_ = proto;
    sport_ = sport;
    dport_ = dport;
    return *this;
  }
  std::vector<uint8_t> l4_bytes() const {
    std::vector<uint8_t> h;
    if (proto_ == IPPROTO_UDP || proto_ == IPPROTO_TCP) {
      put16(h, sport_);
      put16(h, dport_);
    }
    if (proto_ == IPPROTO_UDP) {
      put16(h, static_cast<uint16_t>(8 + payload_.size()));
      put16(h, 0);
    } else if (proto_ == IPPROTO_TCP) {
      h.insert(h.end(), {0, 0, 0, 1, 0, 0, 0, 0, 0x50, tcp_flags_, 0xff, 0xff, 0, 0, 0, 0});
    }
    h.insert(h.end(), payload_.begin(), payload_.end());
    return h;
  }
  void build_ipv4(std::vector<uint8_t>& f, const std::vector<uint8_t>& l4) const {
    int ihl = ihl_ ? *ihl_ : 5 + option_words_;
    size_t total = 20 + option_words_ * 4 + l4.size();
    f.push_back(static_cast<uint8_t>(0x40 | (ihl & 0xf)));
    f.push_back(0);
    put16(f, static_cast<uint16_t>(total));
    put16(f, 0x1234);
    uint16_t frag = frag_ ? static_cast<uint16_t>((frag_->more ? 0x2000 : 0) | frag_->offset) : 0;
    put16(f, frag);
    f.push_back(64);
    f.push_back(proto_);
    put16(f, 0);
    f.insert(f.end(), src_.begin(), src_.end());
    f.insert(f.end(), dst_.begin(), dst_.end());
    f.insert(f.end(), option_words_ * 4, 0x01);  // NOP options
    f.insert(f.end(), l4.begin(), l4.end());
  }
  void build_ipv6(std::vector<uint8_t>& f, const std::vector<uint8_t>& l4) const {
    std::vector<uint8_t> types = ext_;
    if (frag_) types.push_back(IPPROTO_FRAGMENT);
    size_t ext_len = types.size() * 8;
    f.insert(f.end(), {0x60, 0, 0, 0});
    put16(f, static_cast<uint16_t>(ext_len + l4.size()));
    f.push_back(types.empty() ? proto_ : types[0]);
    f.push_back(64);
    f.insert(f.end(), src_.begin(), src_.end());
    f.insert(f.end(), dst_.begin(), dst_.end());
    for (size_t i = 0; i < types.size(); ++i) {
      uint8_t next = i + 1 < types.size() ? types[i + 1] : proto_;
      if (types[i] == IPPROTO_FRAGMENT) {
        uint16_t off = static_cast<uint16_t>((frag_->offset << 3) | (frag_->more ? 1 : 0));
        f.insert(f.end(), {next, 0});
        put16(f, off);
        f.insert(f.end(), {0, 0, 0, 7});
      } else {
        f.insert(f.end(), {next, 0, 1, 4, 0, 0, 0, 0});  // hdrlen 0 = 8 bytes, PadN option
      }
    }
    f.insert(f.end(), l4.begin(), l4.end());
  }

  uint16_t ethertype_ = 0x0800;
  std::vector<Tag> vlans_;
  bool v6_ = false;
  std::vector<uint8_t> src_ = {192, 0, 2, 1}, dst_ = {198, 51, 100, 1};
  int option_words_ = 0;
  std::optional<int> ihl_;
  std::optional<Frag> frag_;
  std::vector<uint8_t> ext_;
  uint8_t proto_ = IPPROTO_UDP;
  uint16_t sport_ = 40000, dport_ = 27015;
  uint8_t tcp_flags_ = 0;
  std::vector<uint8_t> payload_ = std::vector<uint8_t>(32, 0x42);
  std::optional<size_t> truncate_;
};

}  // namespace flowlens::testing
