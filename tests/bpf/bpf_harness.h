/* SPDX-License-Identifier: BSD-2-Clause */
// Shared by the BPF tests and flowlens-bench: a load-only Datapath (nothing attached, nothing
// pinned) and helpers to run frames through it with BPF_PROG_TEST_RUN and read the maps back.
#pragma once

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/pkt_cls.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bpf/datapath.h"
#include "flowlens.h"

namespace flowlens::testing {

inline bpf::Result<bpf::Datapath> open_test_datapath(uint32_t map_size = 1024,
                                                     uint32_t probation_size = 1024) {
  bpf::DatapathConfig cfg;
  cfg.attach = false;
  cfg.pin_dir = "";
  cfg.map_size = map_size;
  cfg.probation_size = probation_size;
  return bpf::Datapath::open(cfg);
}

struct RunResult {
  int err = 0;               // errno of the syscall, 0 on success
  uint32_t retval = 0;       // the program's return value
  uint32_t duration_ns = 0;  // mean per repetition, as the kernel measured it
};

inline RunResult run_frame(int prog_fd, const std::vector<uint8_t>& frame, uint32_t repeat = 1) {
  LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(),
              .data_size_in = static_cast<uint32_t>(frame.size()),
              .repeat = static_cast<int>(repeat));
  RunResult r;
  if (bpf_prog_test_run_opts(prog_fd, &opts) != 0) r.err = errno;
  r.retval = opts.retval;
  r.duration_ns = opts.duration;
  return r;
}

// The flow key the program should build for a client endpoint.
inline flowlens_flow_key flow_key(const std::string& client, uint16_t client_port,
                                  uint16_t server_port, uint8_t proto) {
  flowlens_flow_key k{};
  if (client.find(':') == std::string::npos) {
    k.client_addr[10] = 0xff;
    k.client_addr[11] = 0xff;
    if (inet_pton(AF_INET, client.c_str(), &k.client_addr[12]) != 1)
      throw std::invalid_argument(client);
  } else if (inet_pton(AF_INET6, client.c_str(), k.client_addr) != 1) {
    throw std::invalid_argument(client);
  }
  k.client_port = htons(client_port);
  k.server_port = htons(server_port);
  k.proto = proto;
  return k;
}

inline std::optional<flowlens_flow_value> lookup_flow(int map_fd, const flowlens_flow_key& k) {
  flowlens_flow_value v{};
  if (bpf_map_lookup_elem(map_fd, &k, &v) != 0) return std::nullopt;
  return v;
}

// Every key in a hash map, bounded by `limit` rounds.
inline std::vector<flowlens_flow_key> map_keys(int map_fd, size_t limit = 1U << 22) {
  std::vector<flowlens_flow_key> keys;
  flowlens_flow_key cur{}, next{};
  const flowlens_flow_key* prev = nullptr;
  for (size_t i = 0; i < limit && bpf_map_get_next_key(map_fd, prev, &next) == 0; ++i) {
    keys.push_back(next);
    cur = next;
    prev = &cur;
  }
  return keys;
}

inline void clear_map(int map_fd) {
  for (const auto& k : map_keys(map_fd)) bpf_map_delete_elem(map_fd, &k);
}

inline uint32_t max_entries(int map_fd) {
  bpf_map_info info{};
  __u32 len = sizeof(info);
  return bpf_obj_get_info_by_fd(map_fd, &info, &len) == 0 ? info.max_entries : 0;
}

// Flows waiting in probation: the used slots of the probation array.
inline std::vector<model::FlowRecord> probation_flows(int map_fd) {
  std::vector<model::FlowRecord> out;
  const uint32_t slots = max_entries(map_fd);
  for (uint32_t i = 0; i < slots; ++i) {
    flowlens_probation_slot s{};
    if (bpf_map_lookup_elem(map_fd, &i, &s) != 0) continue;
    if (s.first.dir[0].packets + s.first.dir[1].packets != 0) out.push_back({s.key, s.first});
  }
  return out;
}

inline void clear_probation(int map_fd) {
  const uint32_t slots = max_entries(map_fd);
  const flowlens_probation_slot empty{};
  for (uint32_t i = 0; i < slots; ++i) bpf_map_update_elem(map_fd, &i, &empty, BPF_ANY);
}

inline std::string hex(const std::vector<uint8_t>& bytes) {
  std::ostringstream s;
  for (size_t i = 0; i < bytes.size(); ++i) {
    char b[4];
    std::snprintf(b, sizeof(b), "%02x", bytes[i]);
    s << (i && i % 16 == 0 ? "\n  " : i ? " " : "  ") << b;
  }
  return s.str();
}

inline std::string describe(const flowlens_flow_value& v) {
  std::ostringstream s;
  s << "in{pkts=" << v.dir[0].packets << " bytes=" << v.dir[0].bytes
    << "} out{pkts=" << v.dir[1].packets << " bytes=" << v.dir[1].bytes
    << "} queries=" << v.query_packets << " flags=" << int(v.tcp_flags[0]) << "/"
    << int(v.tcp_flags[1]) << " end_ns=" << v.end_ns << " refused_ns=" << v.refused_ns;
  return s.str();
}

}  // namespace flowlens::testing
