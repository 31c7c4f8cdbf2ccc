/* SPDX-License-Identifier: BSD-2-Clause */
// The per-flow rules, free of any state: what one flow record shows at one instant, whether that
// makes a player, and whether a counted session is over. Session bookkeeping is in estimator.cpp.
#pragma once

#include <cstdint>

#include "estimator/decision.h"
#include "estimator/estimator_config.h"
#include "flowlens.h"

namespace flowlens::estimator {

// Numbers derived from one flow value at `now_ns` (same clock as the value's timestamps).
struct FlowView {
  double age = 0;             // seconds since the first packet
  double client_silence = 0;  // seconds since the client's last packet (age if it never sent)
  double server_silence = 0;  // seconds since the server's last packet (age if it never sent)
  double active_share = 0;    // share of the recent window's seconds where both sides sent
  double sustain_share = 0;   // the same over the longer sustain window
  // Over the sustain window (capped by age, not by since_ns): its length, the seconds in which the
  // client sent, and the seconds in which the server sent while the client sent nothing then or
  // the second before.
  uint32_t window = 0;
  uint32_t client_seconds = 0;
  uint32_t server_led_seconds = 0;
  // The server's last packet came this long after the client's last one: an answer comes within
  // a round trip, so a longer lead is the server sending on its own (0 when the client was later).
  double server_lead = 0;
  // Either of the two above shows the server sending on its own; a counted session also
  // remembers having seen it within the sustain window (estimator.cpp).
  bool server_led = false;
  double query_share = 0;  // query packets / client packets
  double reply_ratio = 0;  // server packets / client packets
  uint64_t packets_in = 0;
  uint64_t packets_out = 0;
  bool closed = false;   // TCP FIN or RST seen
  bool refused = false;  // the server refused it after its last game packet (ICMP unreachable)
};

// `since_ns`, when later than the first packet, is where the activity windows start instead: a
// session resumed after a long pause is judged on what it did since.
FlowView view_flow(const flowlens_flow_value& v, uint64_t now_ns, const EstimatorConfig& cfg,
                   uint64_t since_ns = 0);

// Seconds among the `n` whole seconds before `now_sec` (i.e. now_sec-n .. now_sec-1) in which both
// directions sent a packet.
uint32_t both_active_seconds(const flowlens_flow_value& v, uint64_t now_sec, uint32_t n);

// How much history the paced test wants: less on a server whose players are paced already.
struct PacedBar {
  double min_window = 0;
  uint32_t min_server_led = 0;
};
PacedBar paced_bar(bool server_is_paced, const EstimatorConfig& cfg);

// A slow-ticking game's shape over the sustain window: the client keeps sending (at least once per
// paced_max_client_gap_seconds on average) and the server sends on its own, not only in answer.
bool paced_exchange(const FlowView& f, const PacedBar& bar, const EstimatorConfig& cfg);

// Whether an uncounted flow shows a player: Reason::kSustainedExchange (busy every second),
// Reason::kPacedExchange (a slow-ticking game), or the first rule it fails.
Reason qualify(const FlowView& f, const EstimatorConfig& cfg, const PacedBar& bar);

// Silence limits of a counted session, stretched for slow-ticking flows.
struct SilenceLimits {
  double client = 0;
  double both = 0;
};
// `known_stall`: the longest stall the client or its server's players came back from (seconds).
SilenceLimits silence_limits(double client_packets_per_second, double known_stall,
                             const EstimatorConfig& cfg);

// Whether a counted session still has a game's shape: both sides busy in enough seconds of the
// sustain window, or the server sending on its own in some of them (a slow game, a lag stall).
bool sustained(const FlowView& f, const EstimatorConfig& cfg);

// Whether a counted session goes on: kSustainedExchange / kPacedExchange / kHolding, or
// kTcpClosed, kClientSilent, kBothSilent, kSparse when it ends now.
Reason continue_session(const FlowView& f, const SilenceLimits& lim, const EstimatorConfig& cfg);

// Whether a young, not yet qualified flow looks enough like a game session to take over the
// session of an endpoint of the same server that just went quiet (roaming).
bool can_take_over(const FlowView& f, const EstimatorConfig& cfg);

// Whether the client of a counted session has been quiet long enough to be handed over.
bool quiet_for_handover(const FlowView& f, double client_packets_per_second,
                        const EstimatorConfig& cfg);

}  // namespace flowlens::estimator
