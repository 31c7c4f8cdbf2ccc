/* SPDX-License-Identifier: BSD-2-Clause */
// One alert rule from the config: which servers, what condition, and how calm it must be.
#pragma once

#include "observation.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace flowlens::webhook {

using Millis = std::chrono::milliseconds;

enum class ConditionKind {
  kPlayersAtLeast,  // players >= N
  kPlayersAtMost,   // players <= N
  kEmpty,           // had players (or the first-player grace passed), now 0
  kFull,            // players >= capacity (from the rule or a server label)
  kUnknown,         // no estimate: BPF detached, map overflowing, gone from discovery
};

// Every server, one server by id, or the servers whose labels all match.
struct Selector {
  // Non-empty: only the server with this id.
  std::string server_id;
  // Every pair must be among the server's labels.
  std::map<std::string, std::string> labels;

  bool matches(const ServerObservation& server) const;
};

struct Rule {
  // Unique within the instance: the alert's name in every message and in the state file.
  std::string name;
  Selector selector;
  ConditionKind condition = ConditionKind::kPlayersAtLeast;
  // N for players >= / <= N.
  int64_t threshold = 0;
  // full: capacity from the rule; when unset, from the server label named capacity_label.
  std::optional<int64_t> capacity;
  std::string capacity_label = "max_players";
  // Where the alert resolves: >= N and full resolve at players <= clear (default one below),
  // <= N at players >= clear (default one above), empty at players >= clear (default 1).
  std::optional<int64_t> clear;
  // The condition must hold this long before the alert fires.
  Millis for_duration{0};
  // The clear condition must hold this long before the alert resolves.
  Millis clear_for{0};
  // Re-send while firing; unset: never.
  std::optional<Millis> repeat_interval;
  // Send a resolved notice (the ABI event is emitted either way).
  bool send_resolved = true;
  // empty: a server nobody has joined since it was first seen counts as empty once this has
  // passed; unset: such a server is never "empty" (it waits for its first player).
  std::optional<Millis> first_player_grace;

  // "players >= 20", "empty", "full (capacity 50)": what the condition says, for messages.
  std::string describe() const;
};

}  // namespace flowlens::webhook
