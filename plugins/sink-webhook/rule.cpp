// SPDX-License-Identifier: BSD-2-Clause
#include "rule.h"

namespace flowlens::webhook {

bool Selector::matches(const ServerObservation& server) const {
  if (!server_id.empty() && server.id != server_id) return false;
  for (const auto& [key, value] : labels) {
    auto it = server.labels.find(key);
    if (it == server.labels.end() || it->second != value) return false;
  }
  return true;
}

std::string Rule::describe() const {
  switch (condition) {
    case ConditionKind::kPlayersAtLeast:
      return "players >= " + std::to_string(threshold);
    case ConditionKind::kPlayersAtMost:
      return "players <= " + std::to_string(threshold);
    case ConditionKind::kEmpty:
      return "empty";
    case ConditionKind::kFull:
      return capacity ? "full (" + std::to_string(*capacity) + " players)"
                      : "full (label " + capacity_label + ")";
    case ConditionKind::kUnknown:
      return "unknown";
  }
  return "?";
}

}  // namespace flowlens::webhook
