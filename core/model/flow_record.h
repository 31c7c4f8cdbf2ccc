/* SPDX-License-Identifier: BSD-2-Clause */
// A flow as the estimator sees it: the kernel's key and value, from the BPF map or from replay.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "flowlens.h"

namespace flowlens::model {

struct FlowRecord {
  flowlens_flow_key key{};
  flowlens_flow_value value{};
};

// Where flow records come from: the kernel's flow map (live) or a capture (replay).
class FlowTable {
 public:
  virtual ~FlowTable() = default;
  // Replaces `out` with every flow currently held.
  virtual void read_all(std::vector<FlowRecord>& out) = 0;
  // Forgets flows the estimator no longer needs; unknown keys are ignored.
  virtual void erase(std::span<const flowlens_flow_key> keys) = 0;
};

}  // namespace flowlens::model
