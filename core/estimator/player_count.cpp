// SPDX-License-Identifier: BSD-2-Clause
#include "estimator/player_count.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "estimator/decision.h"

namespace flowlens::estimator {

namespace {

// A counted endpoint reduced to what the count needs, cheap to sort: (address, server port+proto).
struct Entry {
  uint64_t addr_hi;
  uint64_t addr_lo;
  uint32_t port_proto;
  const flowlens_flow_key* key;

  bool same_addr(const Entry& o) const { return addr_hi == o.addr_hi && addr_lo == o.addr_lo; }
  bool operator<(const Entry& o) const {
    return std::tie(addr_hi, addr_lo, port_proto) < std::tie(o.addr_hi, o.addr_lo, o.port_proto);
  }
};

}  // namespace

PlayerCount count_players(std::span<const model::FlowRecord* const> counted) {
  PlayerCount pc;
  if (counted.empty()) return pc;
  std::vector<Entry> e;
  e.reserve(counted.size());
  for (const auto* r : counted) {
    Entry x;
    std::memcpy(&x.addr_hi, r->key.client_addr, 8);
    std::memcpy(&x.addr_lo, r->key.client_addr + 8, 8);
    // Byte-order independent of the host: the address bytes compare as big-endian numbers.
    x.addr_hi = __builtin_bswap64(x.addr_hi);
    x.addr_lo = __builtin_bswap64(x.addr_lo);
    x.port_proto = (static_cast<uint32_t>(r->key.server_port) << 8) | r->key.proto;
    x.key = &r->key;
    e.push_back(x);
  }
  std::sort(e.begin(), e.end());
  size_t i = 0;
  while (i < e.size()) {
    uint32_t busiest = 0;
    size_t j = i;
    while (j < e.size() && e[j].same_addr(e[i])) {
      size_t k = j;
      while (k < e.size() && e[k].same_addr(e[j]) && e[k].port_proto == e[j].port_proto) ++k;
      busiest = std::max(busiest, static_cast<uint32_t>(k - j));
      j = k;
    }
    pc.players += busiest;
    pc.addresses.push_back(address_text(e[i].key->client_addr));
    i = j;
  }
  return pc;
}

}  // namespace flowlens::estimator
