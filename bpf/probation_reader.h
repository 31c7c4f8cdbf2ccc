/* SPDX-License-Identifier: BSD-2-Clause */
// Reads the probation map (new flows waiting for their second packet) to tell a flood of
// one-packet flows, such as spoofed sources, from quiet: such a flood never reaches the flow map,
// so only here can the daemon see it. One bpf_map_lookup_batch pass per read.
#pragma once

#include <cstdint>
#include <vector>

#include "bpf/flowlens.h"
#include "bpf/result.h"

namespace flowlens::bpf {

class ProbationReader {
 public:
  // `map_fd` stays owned by the caller and must outlive the reader.
  explicit ProbationReader(int map_fd);

  // Slots holding a first packet seen at or after `since_ns` (the kernel's clock) that no
  // second packet has admitted yet: one-packet flows, at most capacity() of them.
  Result<uint32_t> waiting_since(uint64_t since_ns);
  uint32_t capacity() const { return static_cast<uint32_t>(slots_.size()); }

 private:
  int fd_;
  std::vector<uint32_t> keys_;
  std::vector<flowlens_probation_slot> slots_;
};

}  // namespace flowlens::bpf
