// SPDX-License-Identifier: BSD-2-Clause
#include "grouper.h"

#include <utility>

namespace flowlens::webhook {

void Grouper::add(std::vector<Notification> notes, int64_t now_mono_ms) {
  if (notes.empty()) return;
  if (batch_.empty()) opened_mono_ms_ = now_mono_ms;
  for (Notification& n : notes) batch_.push_back(std::move(n));
}

std::optional<int64_t> Grouper::due_at() const {
  if (batch_.empty()) return std::nullopt;
  return opened_mono_ms_ + wait_.count();
}

std::vector<Notification> Grouper::take_if_due(int64_t now_mono_ms, bool force) {
  std::vector<Notification> out;
  if (batch_.empty() || (!force && now_mono_ms < *due_at())) return out;
  out.swap(batch_);
  return out;
}

}  // namespace flowlens::webhook
