#include "estimator/player_count.h"

#include <algorithm>
#include <cstring>

#include "estimator/decision.h"

namespace flowlens::estimator {

PlayerCount count_players(std::span<const model::FlowRecord* const> counted) {
  PlayerCount pc;
  if (counted.empty()) return pc;
  // (address, server port, protocol) sorted, so each address and each of its ports is one run.
  std::vector<const flowlens_flow_key*> keys;
  keys.reserve(counted.size());
  for (const auto* r : counted) keys.push_back(&r->key);
  auto port_proto = [](const flowlens_flow_key* k) {
    return (static_cast<uint32_t>(k->server_port) << 8) | k->proto;
  };
  std::sort(keys.begin(), keys.end(), [&](const auto* a, const auto* b) {
    int c = std::memcmp(a->client_addr, b->client_addr, sizeof a->client_addr);
    return c != 0 ? c < 0 : port_proto(a) < port_proto(b);
  });
  size_t i = 0;
  while (i < keys.size()) {
    uint32_t busiest = 0;
    size_t j = i;
    while (j < keys.size() && std::memcmp(keys[j]->client_addr, keys[i]->client_addr, 16) == 0) {
      size_t k = j;
      while (k < keys.size() && std::memcmp(keys[k]->client_addr, keys[j]->client_addr, 16) == 0 &&
             port_proto(keys[k]) == port_proto(keys[j]))
        ++k;
      busiest = std::max(busiest, static_cast<uint32_t>(k - j));
      j = k;
    }
    pc.players += busiest;
    pc.addresses.push_back(address_text(keys[i]->client_addr));
    i = j;
  }
  return pc;
}

}  // namespace flowlens::estimator
