/* SPDX-License-Identifier: BSD-2-Clause */
// Grouping: notifications arriving within group_wait of the first one go out as one batch, so
// thirty servers emptying at once make one message, not thirty.
#pragma once

#include "notification.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace flowlens::webhook {

class Grouper {
 public:
  explicit Grouper(std::chrono::milliseconds group_wait) : wait_(group_wait) {}

  // Adds notices made at `now_mono_ms`; the first one of a batch opens its window.
  void add(std::vector<Notification> notes, int64_t now_mono_ms);
  // When the open batch is due (monotonic ms), or unset when nothing waits.
  std::optional<int64_t> due_at() const;
  // What waits, in arrival order.
  const std::vector<Notification>& pending() const { return batch_; }
  // The batch when due (or `force`), else empty.
  std::vector<Notification> take_if_due(int64_t now_mono_ms, bool force = false);

 private:
  std::chrono::milliseconds wait_;
  std::vector<Notification> batch_;
  int64_t opened_mono_ms_ = 0;
};

}  // namespace flowlens::webhook
