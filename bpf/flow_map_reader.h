/* SPDX-License-Identifier: BSD-2-Clause */
// model::FlowTable over the kernel's flow map: one bpf_map_lookup_batch pass per read, batch
// deletes for erase. Falls back to a key walk on kernels without batch operations.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "bpf/result.h"
#include "model/flow_record.h"

namespace flowlens::bpf {

class FlowMapReader final : public model::FlowTable {
 public:
  // `map_fd` stays owned by the caller and must outlive the reader.
  explicit FlowMapReader(int map_fd) : fd_(map_fd) {}

  // FlowTable: errors are logged and leave `out` with what was read.
  void read_all(std::vector<model::FlowRecord>& out) override;
  void erase(std::span<const flowlens_flow_key> keys) override;

  // The same read, reporting its error to the caller instead of the log.
  Status read_all_checked(std::vector<model::FlowRecord>& out);

  // True once the kernel refused batch reads and the reader switched to the key walk.
  bool using_fallback() const { return !batch_; }

 private:
  Status read_batched(std::vector<model::FlowRecord>& out);
  Status read_by_key(std::vector<model::FlowRecord>& out);

  int fd_;
  bool batch_ = true;
  std::vector<flowlens_flow_key> keys_;      // reused between reads: no allocation per tick
  std::vector<flowlens_flow_value> values_;  // parallel to keys_
};

// One full read of the flow map at `map_fd`, timed: the "bare batch read" reference the estimator
// tick is compared with. Returns wall-clock milliseconds; `flows` receives how many records were
// read and `cpu_ms` the CPU time the reading thread spent (kernel included), which stays honest
// when other processes compete for the CPU.
Result<double> time_batch_read_ms(int map_fd, std::size_t* flows = nullptr,
                                  double* cpu_ms = nullptr);

}  // namespace flowlens::bpf
