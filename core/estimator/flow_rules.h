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
  double query_share = 0;     // query packets / client packets
  double reply_ratio = 0;     // server packets / client packets
  uint64_t packets_in = 0;
  uint64_t packets_out = 0;
  bool closed = false;  // TCP FIN or RST seen
};

// `since_ns`, when later than the first packet, is where the activity windows start instead: a
// session resumed after a long pause is judged on what it did since.
FlowView view_flow(const flowlens_flow_value& v, uint64_t now_ns, const EstimatorConfig& cfg,
                   uint64_t since_ns = 0);

// Seconds among the `n` whole seconds before `now_sec` (i.e. now_sec-n .. now_sec-1) in which both
// directions sent a packet.
uint32_t both_active_seconds(const flowlens_flow_value& v, uint64_t now_sec, uint32_t n);

// Whether an uncounted flow shows a player: Reason::kSustainedExchange, or the first rule it fails.
Reason qualify(const FlowView& f, const EstimatorConfig& cfg);

// Silence limits of a counted session, stretched for slow-ticking flows.
struct SilenceLimits {
  double client = 0;
  double both = 0;
};
SilenceLimits silence_limits(double client_packets_per_second, const EstimatorConfig& cfg);

// Whether a counted session goes on: kSustainedExchange / kHolding, or kTcpClosed,
// kClientSilent, kBothSilent, kSparse when it ends now.
Reason continue_session(const FlowView& f, const SilenceLimits& lim, const EstimatorConfig& cfg);

// Whether a young, not yet qualified flow looks enough like a game session to take over the
// session of an endpoint of the same server that just went quiet (roaming).
bool can_take_over(const FlowView& f, const EstimatorConfig& cfg);

// Whether the client of a counted session has been quiet long enough to be handed over.
bool quiet_for_handover(const FlowView& f, double client_packets_per_second,
                        const EstimatorConfig& cfg);

}  // namespace flowlens::estimator
