// SPDX-License-Identifier: BSD-2-Clause
#include "estimator/flow_rules.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace flowlens::estimator {

namespace {

constexpr double kNsPerSec = 1e9;
// No counted flow is sparser than this (it would fail the activity share), so a gap estimate
// beyond it is noise; the cap keeps silence limits bounded.
constexpr double kMaxTypicalGapSeconds = 5.0;

double seconds_since(uint64_t then_ns, uint64_t now_ns) {
  return now_ns > then_ns ? static_cast<double>(now_ns - then_ns) / kNsPerSec : 0.0;
}

// The direction's activity bits re-based so that bit i stands for second `ref - i`.
uint64_t bits_at(const flowlens_dir_counters& d, uint64_t ref) {
  if (d.packets == 0) return 0;
  if (ref >= d.active_sec) {
    uint64_t shift = ref - d.active_sec;
    return shift >= FLOWLENS_ACTIVITY_SECONDS ? 0 : d.active_bits << shift;
  }
  uint64_t shift = d.active_sec - ref;
  return shift >= FLOWLENS_ACTIVITY_SECONDS ? 0 : d.active_bits >> shift;
}

}  // namespace

uint32_t both_active_seconds(const flowlens_flow_value& v, uint64_t now_sec, uint32_t n) {
  if (n == 0 || now_sec == 0) return 0;
  n = std::min<uint32_t>(n, FLOWLENS_ACTIVITY_SECONDS);
  uint64_t both =
      bits_at(v.dir[FLOWLENS_DIR_IN], now_sec - 1) & bits_at(v.dir[FLOWLENS_DIR_OUT], now_sec - 1);
  uint64_t mask = n >= 64 ? ~0ULL : (1ULL << n) - 1;
  return static_cast<uint32_t>(std::popcount(both & mask));
}

FlowView view_flow(const flowlens_flow_value& v, uint64_t now_ns, const EstimatorConfig& cfg,
                   uint64_t since_ns) {
  const auto& in = v.dir[FLOWLENS_DIR_IN];
  const auto& out = v.dir[FLOWLENS_DIR_OUT];
  FlowView f;
  f.age = seconds_since(v.first_ns, now_ns);
  f.client_silence = in.packets ? seconds_since(in.last_ns, now_ns) : f.age;
  f.server_silence = out.packets ? seconds_since(out.last_ns, now_ns) : f.age;
  f.packets_in = in.packets;
  f.packets_out = out.packets;
  f.closed = v.end_ns != 0;
  if (in.packets) {
    f.query_share = static_cast<double>(v.query_packets) / static_cast<double>(in.packets);
    f.reply_ratio = static_cast<double>(out.packets) / static_cast<double>(in.packets);
  }
  // The window is the recent whole seconds, but never more than the flow has lived: a young
  // flow is judged on the seconds it has had.
  uint64_t now_sec = now_ns / FLOWLENS_NS_PER_SEC;
  uint64_t first_sec = std::max<uint64_t>(v.first_ns, since_ns) / FLOWLENS_NS_PER_SEC;
  uint64_t lived = now_sec > first_sec ? now_sec - first_sec : 0;
  auto share = [&](uint32_t window) {
    auto n = static_cast<uint32_t>(
        std::min<uint64_t>(lived, std::min(window, kMaxQualifyWindowSeconds)));
    return n ? static_cast<double>(both_active_seconds(v, now_sec, n)) / n : 0.0;
  };
  f.active_share = share(cfg.qualify_window_seconds);
  // No whole second yet since the window's start is no evidence of sparseness.
  f.sustain_share = lived ? share(cfg.sustain_window_seconds) : 1.0;
  return f;
}

Reason qualify(const FlowView& f, const EstimatorConfig& cfg) {
  if (f.closed) return Reason::kTcpClosed;
  if (f.packets_in == 0 || f.packets_out == 0) return Reason::kOneWay;
  if (f.query_share > cfg.max_query_share) return Reason::kQueryDominated;
  if (f.packets_in < cfg.min_packets_each_way || f.packets_out < cfg.min_packets_each_way)
    return Reason::kTooFewPackets;
  if (f.age < cfg.min_session_seconds) return Reason::kTooShort;
  if (f.reply_ratio < cfg.min_reply_ratio) return Reason::kFewReplies;
  if (f.client_silence >= cfg.client_silence_seconds) return Reason::kClientSilent;
  if (f.client_silence >= cfg.both_silence_seconds && f.server_silence >= cfg.both_silence_seconds)
    return Reason::kBothSilent;
  // The long window too: a poller with a long sparse history is not a player because it happened
  // to be busy for a few seconds.
  if (f.active_share < cfg.min_active_share || f.sustain_share < cfg.min_sustain_share)
    return Reason::kSparse;
  return Reason::kSustainedExchange;
}

SilenceLimits silence_limits(double client_packets_per_second, const EstimatorConfig& cfg) {
  double gap = client_packets_per_second > 0 ? 1.0 / client_packets_per_second : 0.0;
  gap = std::min(gap, kMaxTypicalGapSeconds) * cfg.silence_gap_factor;
  return {std::max(cfg.client_silence_seconds, gap), std::max(cfg.both_silence_seconds, gap)};
}

Reason continue_session(const FlowView& f, const SilenceLimits& lim, const EstimatorConfig& cfg) {
  if (f.closed) return Reason::kTcpClosed;
  if (f.client_silence >= lim.client) return Reason::kClientSilent;
  if (f.client_silence >= lim.both && f.server_silence >= lim.both) return Reason::kBothSilent;
  if (f.sustain_share < cfg.min_sustain_share) return Reason::kSparse;
  // Only for the explanation: "holding" once the quiet is longer than ordinary packet gaps.
  return f.client_silence * 2 > lim.both ? Reason::kHolding : Reason::kSustainedExchange;
}

bool can_take_over(const FlowView& f, const EstimatorConfig& cfg) {
  return !f.closed && f.age >= cfg.handover_min_age_seconds &&
         f.packets_in >= cfg.handover_min_packets && f.packets_out >= cfg.handover_min_packets &&
         f.query_share <= cfg.max_query_share && f.reply_ratio >= cfg.min_reply_ratio &&
         f.client_silence < cfg.handover_min_silence_seconds;
}

bool quiet_for_handover(const FlowView& f, double client_packets_per_second,
                        const EstimatorConfig& cfg) {
  double gap = client_packets_per_second > 0 ? 1.0 / client_packets_per_second : 0.0;
  return f.client_silence >=
         std::max(cfg.handover_min_silence_seconds, 2.0 * std::min(gap, kMaxTypicalGapSeconds));
}

}  // namespace flowlens::estimator
