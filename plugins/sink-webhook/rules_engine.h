/* SPDX-License-Identifier: BSD-2-Clause */
// The alert rules as pure code: scripted observations and an injected clock in, notifications
// out. No threads, no I/O: the sink calls evaluate() once per snapshot under its own lock.
#pragma once

#include "notification.h"
#include "observation.h"
#include "rule.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace flowlens::webhook {

// An alert that is firing, as the state file keeps it across restarts.
struct FiringRecord {
  std::string rule;
  std::string server_id;
  std::string server_name;
  std::map<std::string, std::string> labels;
  std::optional<int64_t> threshold;
  int64_t since_wall_ms = 0;
};

class RulesEngine {
 public:
  // `startup_grace`: a server never seen known since the daemon started may fire `unknown` only
  // once this has passed since `start` (at start every server is unknown for a few ticks).
  RulesEngine(std::vector<Rule> rules, Millis startup_grace, Instant start);

  // Alerts that were firing before a restart: they stay firing without being sent again, and
  // resolve (and are sent as resolved) when their condition clears. Records of rules that no
  // longer exist are dropped; returns how many were kept.
  size_t restore(const std::vector<FiringRecord>& records, Instant now);

  // One tick: every server the snapshot lists. A server seen before but missing now is
  // evaluated as unknown ("gone from discovery"). Returns what fired, resolved or repeats.
  std::vector<Notification> evaluate(const std::vector<ServerObservation>& servers, Instant now);

  // What is firing now, sorted by (rule, server): for the state file.
  std::vector<FiringRecord> firing() const;
  // The same as notifications marked repeat, with current players: Alertmanager re-sends.
  std::vector<Notification> firing_notifications(Instant now) const;

  const std::vector<Rule>& rules() const { return rules_; }

 private:
  enum class Phase { kInactive, kPending, kFiring, kClearing };
  enum class Verdict { kFire, kClear, kHold };

  // One (rule, server) pair.
  struct Track {
    Phase phase = Phase::kInactive;
    int64_t phase_since_mono = 0;  // pending since / clearing since
    int64_t last_sent_mono = 0;
    int64_t since_wall_ms = 0;  // fired at
    std::optional<int64_t> threshold;
  };

  // What is remembered of a server across ticks, whatever the rules.
  struct ServerMemory {
    ServerObservation last;  // last observation (labels and name survive a disappearance)
    bool present = false;
    bool ever_known = false;       // known at least once since the daemon started
    bool had_players = false;      // had players at least once since the daemon started
    int64_t first_known_mono = 0;  // for empty's first-player grace
  };

  Verdict judge(const Rule& rule, const ServerMemory& memory, Instant now,
                std::optional<int64_t>& threshold) const;
  void step(const Rule& rule, const ServerMemory& memory, Track& track, Verdict verdict,
            std::optional<int64_t> threshold, Instant now, std::vector<Notification>& out);
  Notification make(const Rule& rule, const ServerMemory& memory, const Track& track,
                    AlertState state, Instant now) const;
  void forget_idle_absent_servers();

  std::vector<Rule> rules_;
  Millis startup_grace_;
  Instant start_;
  std::map<std::string, ServerMemory> servers_;
  // Keyed by (rule name, server id).
  std::map<std::pair<std::string, std::string>, Track> tracks_;
};

}  // namespace flowlens::webhook
