// SPDX-License-Identifier: BSD-2-Clause
#include "rules_engine.h"

#include <charconv>
#include <set>

namespace flowlens::webhook {
namespace {

// The reason a server that discovery stopped publishing is unknown.
constexpr const char* kGoneReason = "gone from discovery";

std::optional<int64_t> label_number(const ServerObservation& server, const std::string& key) {
  auto it = server.labels.find(key);
  if (it == server.labels.end()) return std::nullopt;
  int64_t n = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

}  // namespace

RulesEngine::RulesEngine(std::vector<Rule> rules, Millis startup_grace, Instant start)
    : rules_(std::move(rules)), startup_grace_(startup_grace), start_(start) {}

size_t RulesEngine::restore(const std::vector<FiringRecord>& records, Instant now) {
  size_t kept = 0;
  for (const FiringRecord& r : records) {
    bool rule_exists = false;
    for (const Rule& rule : rules_) rule_exists = rule_exists || rule.name == r.rule;
    if (!rule_exists || r.server_id.empty()) continue;
    ServerMemory& memory = servers_[r.server_id];
    if (memory.last.id.empty()) {
      memory.last.id = r.server_id;
      memory.last.name = r.server_name.empty() ? r.server_id : r.server_name;
      memory.last.labels = r.labels;
      memory.last.unknown_reason = "not yet estimated";
    }
    Track& track = tracks_[{r.rule, r.server_id}];
    track.phase = Phase::kFiring;
    track.since_wall_ms = r.since_wall_ms;
    track.last_sent_mono = now.mono_ms;  // it was sent before the restart: repeat from now
    track.threshold = r.threshold;
    ++kept;
  }
  return kept;
}

RulesEngine::Verdict RulesEngine::judge(const Rule& rule, const ServerMemory& memory, Instant now,
                                        std::optional<int64_t>& threshold) const {
  const ServerObservation& s = memory.last;
  const bool known = memory.present && s.known;
  const int64_t players = s.players;
  switch (rule.condition) {
    case ConditionKind::kUnknown: {
      if (known) return Verdict::kClear;
      // At start every server is unknown for a few ticks: that is not an outage.
      const bool settled = now.mono_ms - start_.mono_ms >= startup_grace_.count();
      return memory.ever_known || settled ? Verdict::kFire : Verdict::kHold;
    }
    case ConditionKind::kPlayersAtLeast:
      threshold = rule.threshold;
      if (!known) return Verdict::kHold;  // unknown is neither above nor below
      if (players >= rule.threshold) return Verdict::kFire;
      return players <= rule.clear.value_or(rule.threshold - 1) ? Verdict::kClear : Verdict::kHold;
    case ConditionKind::kPlayersAtMost:
      threshold = rule.threshold;
      if (!known) return Verdict::kHold;
      if (players <= rule.threshold) return Verdict::kFire;
      return players >= rule.clear.value_or(rule.threshold + 1) ? Verdict::kClear : Verdict::kHold;
    case ConditionKind::kFull: {
      const std::optional<int64_t> capacity =
          rule.capacity ? rule.capacity : label_number(s, rule.capacity_label);
      if (!capacity) return Verdict::kHold;  // no capacity known for this server
      threshold = capacity;
      if (!known) return Verdict::kHold;
      if (players >= *capacity) return Verdict::kFire;
      int64_t clear = rule.clear.value_or(*capacity - 1);
      if (clear >= *capacity) clear = *capacity - 1;  // a label capacity below the rule's clear
      return players <= clear ? Verdict::kClear : Verdict::kHold;
    }
    case ConditionKind::kEmpty: {
      if (!known) return Verdict::kHold;  // unknown is never empty
      if (players >= rule.clear.value_or(1)) return Verdict::kClear;
      if (players > 0) return Verdict::kHold;
      if (memory.had_players) return Verdict::kFire;
      // Nobody joined yet: a fresh server is not "empty" until the grace has passed.
      if (rule.first_player_grace &&
          now.mono_ms - memory.first_known_mono >= rule.first_player_grace->count()) {
        return Verdict::kFire;
      }
      return Verdict::kHold;
    }
  }
  return Verdict::kHold;
}

Notification RulesEngine::make(const Rule& rule, const ServerMemory& memory, const Track& track,
                               AlertState state, Instant now) const {
  Notification n;
  n.rule = rule.name;
  n.condition = rule.describe();
  n.kind = rule.condition;
  n.state = state;
  n.server_id = memory.last.id;
  n.server_name = memory.last.name.empty() ? memory.last.id : memory.last.name;
  n.labels = memory.last.labels;
  if (memory.present && memory.last.known) {
    n.players = memory.last.players;
  } else {
    n.unknown_reason = memory.last.unknown_reason;
  }
  n.threshold = track.threshold;
  n.since_wall_ms = track.since_wall_ms;
  n.at_wall_ms = now.wall_ms;
  n.send = state == AlertState::kFiring || rule.send_resolved;
  return n;
}

void RulesEngine::step(const Rule& rule, const ServerMemory& memory, Track& track, Verdict verdict,
                       std::optional<int64_t> threshold, Instant now,
                       std::vector<Notification>& out) {
  auto fire = [&] {
    track.phase = Phase::kFiring;
    track.since_wall_ms = now.wall_ms;
    track.last_sent_mono = now.mono_ms;
    track.threshold = threshold;
    out.push_back(make(rule, memory, track, AlertState::kFiring, now));
  };
  auto resolve = [&] {
    track.phase = Phase::kInactive;
    out.push_back(make(rule, memory, track, AlertState::kResolved, now));
  };
  switch (track.phase) {
    case Phase::kInactive:
      if (verdict != Verdict::kFire) return;
      track.phase = Phase::kPending;
      track.phase_since_mono = now.mono_ms;
      [[fallthrough]];
    case Phase::kPending:
      // `for`: the condition must hold at every tick; anything else starts the wait over.
      if (verdict != Verdict::kFire) {
        track.phase = Phase::kInactive;
      } else if (now.mono_ms - track.phase_since_mono >= rule.for_duration.count()) {
        fire();
      }
      return;
    case Phase::kFiring:
      if (verdict == Verdict::kClear) {
        track.phase = Phase::kClearing;
        track.phase_since_mono = now.mono_ms;
        if (rule.clear_for.count() == 0) resolve();
        return;
      }
      if (rule.repeat_interval &&
          now.mono_ms - track.last_sent_mono >= rule.repeat_interval->count()) {
        track.last_sent_mono = now.mono_ms;
        Notification n = make(rule, memory, track, AlertState::kFiring, now);
        n.repeat = true;
        out.push_back(std::move(n));
      }
      return;
    case Phase::kClearing:
      // `clear_for`: the clear condition must hold at every tick, else the alert keeps firing.
      if (verdict != Verdict::kClear) {
        track.phase = Phase::kFiring;
      } else if (now.mono_ms - track.phase_since_mono >= rule.clear_for.count()) {
        resolve();
      }
      return;
  }
}

std::vector<Notification> RulesEngine::evaluate(const std::vector<ServerObservation>& servers,
                                                Instant now) {
  std::set<std::string> seen;
  for (const ServerObservation& s : servers) {
    seen.insert(s.id);
    ServerMemory& memory = servers_[s.id];
    memory.last = s;
    if (memory.last.name.empty()) memory.last.name = s.id;
    memory.present = true;
    if (s.known) {
      if (!memory.ever_known) memory.first_known_mono = now.mono_ms;
      memory.ever_known = true;
      memory.had_players = memory.had_players || s.players > 0;
    }
  }
  for (auto& [id, memory] : servers_) {
    if (seen.count(id)) continue;
    if (memory.present) memory.last.unknown_reason = kGoneReason;
    memory.present = false;
    memory.last.known = false;
  }

  std::vector<Notification> out;
  for (const Rule& rule : rules_) {
    for (const auto& [id, memory] : servers_) {
      if (!rule.selector.matches(memory.last)) continue;
      std::optional<int64_t> threshold;
      const Verdict verdict = judge(rule, memory, now, threshold);
      auto key = std::make_pair(rule.name, id);
      auto it = tracks_.find(key);
      if (it == tracks_.end()) {
        if (verdict != Verdict::kFire) continue;  // keep no state for quiet pairs
        it = tracks_.emplace(key, Track{}).first;
      }
      step(rule, memory, it->second, verdict, threshold, now, out);
      if (it->second.phase == Phase::kInactive) tracks_.erase(it);
    }
  }
  forget_idle_absent_servers();
  return out;
}

void RulesEngine::forget_idle_absent_servers() {
  // A server gone from discovery is remembered while some alert is pending or firing for it.
  std::set<std::string> busy;
  for (const auto& [key, track] : tracks_) busy.insert(key.second);
  for (auto it = servers_.begin(); it != servers_.end();) {
    if (!it->second.present && !busy.count(it->first)) {
      it = servers_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<FiringRecord> RulesEngine::firing() const {
  std::vector<FiringRecord> out;
  for (const auto& [key, track] : tracks_) {
    if (track.phase != Phase::kFiring && track.phase != Phase::kClearing) continue;
    FiringRecord r;
    r.rule = key.first;
    r.server_id = key.second;
    auto it = servers_.find(key.second);
    if (it != servers_.end()) {
      r.server_name = it->second.last.name;
      r.labels = it->second.last.labels;
    }
    r.threshold = track.threshold;
    r.since_wall_ms = track.since_wall_ms;
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<Notification> RulesEngine::firing_notifications(Instant now) const {
  std::vector<Notification> out;
  for (const auto& [key, track] : tracks_) {
    if (track.phase != Phase::kFiring && track.phase != Phase::kClearing) continue;
    auto server = servers_.find(key.second);
    if (server == servers_.end()) continue;
    for (const Rule& rule : rules_) {
      if (rule.name != key.first) continue;
      Notification n = make(rule, server->second, track, AlertState::kFiring, now);
      n.repeat = true;
      out.push_back(std::move(n));
    }
  }
  return out;
}

}  // namespace flowlens::webhook
