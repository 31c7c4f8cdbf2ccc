/* SPDX-License-Identifier: BSD-2-Clause */
// What the kernel program must have counted after a run of frames, computed in user space: the
// frame read by replay's parser (which mirrors the program's rules), the flow key built from the
// client's side as the program builds it, flowlens_account() applied as the program applies it,
// and the admission through one probation slot (the program loaded with a single slot, so which
// flow overwrites which is known without its hash seed). Times are not modelled: the program's
// clock is not ours, so the model stamps everything 1 and only "set or not" is compared.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <span>
#include <vector>

#include "flowlens.h"
#include "model/server.h"
#include "replay/packet_parser.h"

namespace flowlens::fuzz {

struct KeyLess {
  bool operator()(const flowlens_flow_key& a, const flowlens_flow_key& b) const {
    return std::memcmp(&a, &b, sizeof a) < 0;
  }
};

class AdmissionModel {
 public:
  explicit AdmissionModel(std::span<const model::Endpoint> watched)
      : watched_(watched.begin(), watched.end()) {}

  bool watched(uint16_t port, uint8_t proto) const {
    for (const auto& e : watched_)
      if (e.port == port && e.proto == proto) return true;
    return false;
  }

  // One frame through the ingress or egress program. Returns whether it was a packet of a flow.
  bool frame(std::span<const uint8_t> f, flowlens_direction dir) {
    replay::ParsedPacket p;
    if (!replay::parse_frame(f.data(), f.size(), p)) return false;
    // The program reads refusals (ICMP port unreachable) only on egress, where the host sends them.
    if (p.refused && dir == FLOWLENS_DIR_IN) return false;
    const bool in = dir == FLOWLENS_DIR_IN || p.refused;  // a refusal quotes the client's packet
    flowlens_flow_key key{};
    std::memcpy(key.client_addr, in ? p.src : p.dst, sizeof key.client_addr);
    key.client_port = htons(in ? p.sport : p.dport);
    key.server_port = htons(in ? p.dport : p.sport);
    key.proto = p.proto;
    if (!watched(ntohs(key.server_port), key.proto)) return false;
    if (p.refused) {
      if (auto it = flows_.find(key); it != flows_.end()) flowlens_refused(&it->second, kNow);
      return false;
    }
    const int query = dir == FLOWLENS_DIR_IN ? p.query : 0;  // only client payloads are classified
    account(key, dir, f.size(), p.tcp_flags, query);
    return true;
  }

  const std::map<flowlens_flow_key, flowlens_flow_value, KeyLess>& flows() const { return flows_; }
  // The probation slot: the flow waiting for its second packet, if any.
  bool slot_used() const { return (slot_.first.dir[0].packets | slot_.first.dir[1].packets) != 0; }
  const flowlens_flow_key& slot_key() const { return slot_.key; }
  const flowlens_flow_value& slot_first() const { return slot_.first; }
  bool slot_admitted() const { return slot_.admitted; }

  void clear() {
    flows_.clear();
    slot_ = {};
  }

 private:
  static constexpr uint64_t kNow = 1;

  struct Slot {
    flowlens_flow_key key{};
    flowlens_flow_value first{};
    bool admitted = false;
  };

  bool same_key(const flowlens_flow_key& k) const {
    return std::memcmp(&slot_.key, &k, sizeof k) == 0;
  }

  // The program's path for a packet: its flow if admitted, else the probation slot, which either
  // holds the flow's first packet (this one is the second: admit both) or is taken over.
  void account(const flowlens_flow_key& key, int dir, uint64_t len, uint8_t flags, int query) {
    if (auto it = flows_.find(key); it != flows_.end()) {
      flowlens_account(&it->second, dir, len, kNow, flags, query);
      return;
    }
    if (!(same_key(key) && slot_used())) {
      // A flow admitted and since gone starts over too; with nothing erased that cannot happen.
      slot_.key = key;
      slot_.first = {};
      flowlens_account(&slot_.first, dir, len, kNow, flags, query);
      slot_.admitted = false;
      return;
    }
    flowlens_flow_value& v = flows_[key] = slot_.first;
    slot_.first.dir[0].packets = slot_.first.dir[1].packets = 0;
    slot_.admitted = true;
    flowlens_account(&v, dir, len, kNow, flags, query);
  }

  std::vector<model::Endpoint> watched_;
  std::map<flowlens_flow_key, flowlens_flow_value, KeyLess> flows_;
  Slot slot_;
};

}  // namespace flowlens::fuzz
