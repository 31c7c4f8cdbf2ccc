/* SPDX-License-Identifier: BSD-2-Clause */
// One alert that fired, resolved or repeats: what the formats render and the ABI event carries.
#pragma once

#include "rule.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace flowlens::webhook {

enum class AlertState { kFiring, kResolved };

struct Notification {
  std::string rule;
  // The rule's condition in words ("players >= 20").
  std::string condition;
  ConditionKind kind = ConditionKind::kPlayersAtLeast;
  AlertState state = AlertState::kFiring;
  // A repeat of an alert still firing (repeat_interval), or a periodic re-send to Alertmanager.
  bool repeat = false;
  std::string server_id;
  std::string server_name;
  std::map<std::string, std::string> labels;
  // Players at the time; unset when the server is unknown (never shown as 0).
  std::optional<uint32_t> players;
  std::string unknown_reason;
  // The number the rule compares against (N, the capacity); unset for empty and unknown.
  std::optional<int64_t> threshold;
  // Wall clock, ms since the epoch: when the alert started firing.
  int64_t since_wall_ms = 0;
  // Wall clock of this notice; for a resolve, when the alert ended.
  int64_t at_wall_ms = 0;
  // False for a resolve of a rule with send_resolved off: emitted as an event, not sent.
  bool send = true;
};

}  // namespace flowlens::webhook
