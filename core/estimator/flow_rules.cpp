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
// A paced flow's own packet minimum: a client every 2-4 s has sent only a handful when it
// should count.
constexpr uint64_t kPacedMinPackets = 3;
// A server that sent at least this many packets, this many times what it was sent, has pushed
// state on its own (a join's download), not answered a poller.
constexpr uint64_t kStreamedMinPackets = 20;
constexpr uint64_t kStreamedReplyRatio = 3;
// A server packet this long after the client's last one is no answer (round trips are far
// shorter): the server sent on its own.
constexpr double kServerLeadSeconds = 0.5;

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

// The client's typical gap as its activity bits show it: window seconds per active second, for a
// client idle in more than a third of them; 0 for a busier one (whole seconds cannot tell its gap).
double client_gap(const FlowView& f) {
  if (f.client_seconds == 0 || 3 * f.client_seconds >= 2 * f.window) return 0.0;
  return std::min(static_cast<double>(f.window) / f.client_seconds, kMaxTypicalGapSeconds);
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
  f.refused = v.refused_ns > out.last_ns;
  if (in.packets) {
    f.query_share = static_cast<double>(v.query_packets) / static_cast<double>(in.packets);
    f.reply_ratio = static_cast<double>(out.packets) / static_cast<double>(in.packets);
  }
  // The window is the recent whole seconds, but never more than the flow has lived: a young
  // flow is judged on the seconds it has had.
  uint64_t now_sec = now_ns / FLOWLENS_NS_PER_SEC;
  uint64_t born_sec = v.first_ns / FLOWLENS_NS_PER_SEC;
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
  // The pace is judged on the whole recent history, a stall or a pause included: a slow game
  // resumed after one still has the shape it had.
  f.window = static_cast<uint32_t>(
      std::min<uint64_t>(now_sec > born_sec ? now_sec - born_sec : 0,
                         std::min(cfg.sustain_window_seconds, kMaxQualifyWindowSeconds)));
  if (in.packets && out.last_ns > in.last_ns)
    f.server_lead = static_cast<double>(out.last_ns - in.last_ns) / kNsPerSec;
  if (f.window) {
    uint64_t mask = f.window >= 64 ? ~0ULL : (1ULL << f.window) - 1;
    uint64_t cin = bits_at(in, now_sec - 1);
    uint64_t cout = bits_at(out, now_sec - 1);
    // Bit i+1 is the second before bit i: a reply that crosses a second boundary is no lead.
    f.client_seconds = static_cast<uint32_t>(std::popcount(cin & mask));
    f.server_led_seconds = static_cast<uint32_t>(std::popcount(cout & ~cin & ~(cin >> 1) & mask));
  }
  f.server_led = f.server_led_seconds > 0 || f.server_lead >= kServerLeadSeconds;
  return f;
}

PacedBar paced_bar(bool server_is_paced, const EstimatorConfig& cfg) {
  if (!server_is_paced) return {cfg.paced_min_seconds, cfg.paced_min_server_led_seconds};
  return {cfg.paced_min_seconds / 2,
          cfg.paced_min_server_led_seconds > 1 ? cfg.paced_min_server_led_seconds - 1 : 1};
}

bool paced_exchange(const FlowView& f, const PacedBar& bar, const EstimatorConfig& cfg) {
  if (f.window == 0 || f.window < bar.min_window ||
      f.client_seconds * cfg.paced_max_client_gap_seconds < f.window)
    return false;
  // The server streamed to it (a join's map or state download): many more packets than it was
  // sent, which no one-answer-per-request poller gets.
  bool streamed =
      f.packets_out >= kStreamedMinPackets && f.packets_out >= kStreamedReplyRatio * f.packets_in;
  return f.server_led_seconds >= bar.min_server_led || f.server_lead >= kServerLeadSeconds ||
         streamed;
}

Reason qualify(const FlowView& f, const EstimatorConfig& cfg, const PacedBar& bar) {
  if (f.closed) return Reason::kTcpClosed;
  if (f.refused) return Reason::kRefused;
  if (f.packets_in == 0 || f.packets_out == 0) return Reason::kOneWay;
  if (f.query_share > cfg.max_query_share) return Reason::kQueryDominated;
  const bool paced = paced_exchange(f, bar, cfg);
  const uint64_t min_pk =
      paced ? std::min(kPacedMinPackets, cfg.min_packets_each_way) : cfg.min_packets_each_way;
  if (f.packets_in < min_pk || f.packets_out < min_pk) return Reason::kTooFewPackets;
  if (f.age < cfg.min_session_seconds) return Reason::kTooShort;
  if (f.reply_ratio < cfg.min_reply_ratio) return Reason::kFewReplies;
  // A flow that starts to count must be talking now, at its own pace: a client gone quiet while
  // the server sends on (roamed away, crashed) must not qualify on the server's lead.
  double gap = client_gap(f);
  if (f.client_silence >= std::max(cfg.both_silence_seconds, 2 * gap)) return Reason::kClientSilent;
  double both = std::max(cfg.both_silence_seconds, cfg.silence_gap_factor * gap);
  if (f.client_silence >= both && f.server_silence >= both) return Reason::kBothSilent;
  // The long window too: a poller with a long sparse history is not a player because it happened
  // to be busy for a few seconds.
  if (f.active_share >= cfg.min_active_share && f.sustain_share >= cfg.min_sustain_share)
    return Reason::kSustainedExchange;
  return paced ? Reason::kPacedExchange : Reason::kSparse;
}

SilenceLimits silence_limits(double client_packets_per_second, double known_stall,
                             const EstimatorConfig& cfg) {
  double gap = client_packets_per_second > 0 ? 1.0 / client_packets_per_second : 0.0;
  gap = std::min(gap, kMaxTypicalGapSeconds);
  double stall = std::max(cfg.client_silence_seconds,
                          std::min(cfg.stall_hold_seconds, cfg.stall_hold_factor * known_stall));
  // A silence of `stall` seconds shows as that plus the gap before the next packet.
  return {stall + gap, std::max(cfg.both_silence_seconds, gap * cfg.silence_gap_factor)};
}

bool sustained(const FlowView& f, const EstimatorConfig& cfg) {
  if (f.sustain_share >= cfg.min_sustain_share) return true;
  // A slow game, or a stall, in which the server keeps sending on its own; how long the client
  // may stay away is the silence limits' business.
  return f.server_led;
}

Reason continue_session(const FlowView& f, const SilenceLimits& lim, const EstimatorConfig& cfg) {
  if (f.closed) return Reason::kTcpClosed;
  if (f.refused) return Reason::kRefused;
  if (f.client_silence >= lim.client) return Reason::kClientSilent;
  // Over a slow stretch the client's own recent pace can be slower than its smoothed rate says.
  double both = std::max(lim.both, cfg.silence_gap_factor * client_gap(f));
  if (f.client_silence >= both && f.server_silence >= both) return Reason::kBothSilent;
  const bool dense = f.sustain_share >= cfg.min_sustain_share;
  if (!dense && !f.server_led) return Reason::kSparse;
  // Only for the explanation: "holding" once the quiet is longer than ordinary packet gaps.
  if (f.client_silence * 2 > lim.both) return Reason::kHolding;
  return dense ? Reason::kSustainedExchange : Reason::kPacedExchange;
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
