// SPDX-License-Identifier: BSD-2-Clause
#include "replay/replay_flow_table.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace flowlens::replay {

namespace {

constexpr size_t kPorts = 65536;

int proto_slot(uint8_t proto) {
  return proto == IPPROTO_UDP ? 0 : proto == IPPROTO_TCP ? 1 : -1;
}

}  // namespace

ReplayFlowTable::ReplayFlowTable() : watched_(2 * kPorts, false) {}

void ReplayFlowTable::watch(std::span<const model::Server> servers) {
  watched_.assign(2 * kPorts, false);
  for (const auto& s : servers)
    for (const auto& ep : s.endpoints)
      if (int slot = proto_slot(ep.proto); slot >= 0) watched_[slot * kPorts + ep.port] = true;
}

bool ReplayFlowTable::watched(uint16_t port, uint8_t proto) const {
  int slot = proto_slot(proto);
  return slot >= 0 && watched_[slot * kPorts + port];
}

bool ReplayFlowTable::account(const ParsedPacket& p, uint64_t frame_len, uint64_t ts_ns) {
  int dir;
  flowlens_flow_key key{};
  if (p.refused) return refuse(p, ts_ns);
  if (watched(p.dport, p.proto)) {
    dir = FLOWLENS_DIR_IN;
    std::memcpy(key.client_addr, p.src, 16);
    key.client_port = htons(p.sport);
    key.server_port = htons(p.dport);
  } else if (watched(p.sport, p.proto)) {
    dir = FLOWLENS_DIR_OUT;
    std::memcpy(key.client_addr, p.dst, 16);
    key.client_port = htons(p.dport);
    key.server_port = htons(p.sport);
  } else {
    return false;
  }
  key.proto = p.proto;
  // try_emplace value-initialises a new entry: zeroed, as flowlens_account() requires.
  auto& v = flows_.try_emplace(key).first->second;
  flowlens_account(&v, dir, frame_len, ts_ns, p.tcp_flags, dir == FLOWLENS_DIR_IN ? p.query : 0);
  return true;
}

bool ReplayFlowTable::refuse(const ParsedPacket& p, uint64_t ts_ns) {
  if (!watched(p.dport, p.proto)) return false;
  flowlens_flow_key key{};
  std::memcpy(key.client_addr, p.src, 16);
  key.client_port = htons(p.sport);
  key.server_port = htons(p.dport);
  key.proto = p.proto;
  // As in the kernel: only an admitted flow is marked; a refusal is no packet of it.
  auto it = flows_.find(key);
  if (it == flows_.end() || it->second.dir[0].packets + it->second.dir[1].packets < 2) return false;
  flowlens_refused(&it->second, ts_ns);
  return true;
}

void ReplayFlowTable::read_all(std::vector<model::FlowRecord>& out) {
  out.clear();
  out.reserve(flows_.size());
  for (const auto& [k, v] : flows_)
    if (v.dir[0].packets + v.dir[1].packets >= 2) out.push_back({k, v});
}

void ReplayFlowTable::erase(std::span<const flowlens_flow_key> keys) {
  for (const auto& k : keys) flows_.erase(k);
}

}  // namespace flowlens::replay
