/* SPDX-License-Identifier: BSD-2-Clause */
// Builds flow records the way the kernel would, from a script of who sent when: each packet goes
// through flowlens_account(), so the estimator sees real counters and activity windows.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "model/flow_record.h"

namespace flowlens::testing {

constexpr uint64_t kSec = 1000000000ULL;
// Tests start the clock well after zero, as CLOCK_MONOTONIC does on a booted host.
constexpr double kT0 = 1000.0;

inline flowlens_flow_key make_key(const std::string& addr, uint16_t client_port,
                                  uint16_t server_port, uint8_t proto = IPPROTO_UDP) {
  flowlens_flow_key k{};
  in_addr a4;
  if (inet_pton(AF_INET, addr.c_str(), &a4) == 1) {
    k.client_addr[10] = k.client_addr[11] = 0xff;
    std::memcpy(k.client_addr + 12, &a4, 4);
  } else {
    inet_pton(AF_INET6, addr.c_str(), k.client_addr);
  }
  k.client_port = htons(client_port);
  k.server_port = htons(server_port);
  k.proto = proto;
  return k;
}

// One flow's history: packets are added by time range and rate, then read at any instant.
struct FlowHistory {
  flowlens_flow_key key{};
  struct Packet {
    double t;
    int dir;
    uint32_t len;
    uint8_t flags;
    bool query;
    bool refusal = false;  // an ICMP port unreachable from the server quoting this flow
  };
  std::vector<Packet> packets;

  // `rate` packets per second from `from` to `to` (seconds after kT0) in direction `dir`.
  FlowHistory& send(int dir, double from, double to, double rate, uint32_t len = 100,
                    bool query = false) {
    for (double t = from; t < to; t += 1.0 / rate) packets.push_back({t, dir, len, 0, query});
    return *this;
  }
  FlowHistory& both(double from, double to, double rate) {
    send(FLOWLENS_DIR_IN, from, to, rate);
    return send(FLOWLENS_DIR_OUT, from + 0.01, to, rate);
  }
  // The server's host refuses each client packet in [from, to) (the port is closed).
  FlowHistory& refuse_from(double from, double to) {
    std::vector<Packet> added;
    for (const auto& p : packets)
      if (p.dir == FLOWLENS_DIR_IN && p.t >= from && p.t < to)
        added.push_back({p.t + 0.001, FLOWLENS_DIR_OUT, 0, 0, false, true});
    packets.insert(packets.end(), added.begin(), added.end());
    return *this;
  }
  FlowHistory& flag(int dir, double t, uint8_t flags) {
    packets.push_back({t, dir, 60, flags, false});
    return *this;
  }

  // The record as the kernel holds it at `now` (packets strictly before it), or false if the
  // flow had no packet yet.
  bool record_at(double now, model::FlowRecord& out) const {
    out = {};
    out.key = key;
    bool any = false;
    std::vector<const Packet*> order;
    for (const auto& p : packets)
      if (p.t < now) order.push_back(&p);
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->t < b->t; });
    for (const auto* p : order) {
      auto ns = static_cast<uint64_t>(std::llround((kT0 + p->t) * 1e9));
      if (p->refusal) {
        flowlens_refused(&out.value, ns);
        continue;
      }
      flowlens_account(&out.value, p->dir, p->len, ns, p->flags, p->query);
      any = true;
    }
    return any;
  }
};

inline uint64_t at(double t) {
  return static_cast<uint64_t>(std::llround((kT0 + t) * 1e9));
}

}  // namespace flowlens::testing
