/* SPDX-License-Identifier: BSD-2-Clause */
// Why a flow counts as a player or not: the structured record behind `replay --explain` and the
// live debug log.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "flowlens.h"

namespace flowlens::estimator {

enum class Reason : uint8_t {
  // Counted.
  kSustainedExchange,  // both sides active in most recent seconds: a player
  kPacedExchange,      // a slow-ticking game: the client keeps a pace, the server sends on its own
  kHolding,            // counted, currently quiet but within the silence limits
  kTookOver,           // took over the session of an endpoint that went quiet (roaming)
  kResumed,            // talked again shortly after being ended: a long lag stall
  kServerPaused,       // the server went quiet to every player at once (map change, hitch)
  // Not counted.
  kOneWay,          // only one side has ever sent (flood, scan, unanswered probe)
  kQueryDominated,  // mostly server-list queries (browser, crawler, reflection)
  kTcpClosed,       // TCP FIN or RST seen
  kRefused,         // the server's port refused it since its last packet: the server stopped
  kTooFewPackets,   // too few packets in one direction
  kTooShort,        // younger than the minimum session length
  kFewReplies,      // the server answers only a small share of the client's packets
  kSparse,          // activity in too few of the recent seconds (crawler, admin tool)
  kClientSilent,    // client quiet past the limit while the server still sends
  kBothSilent,      // neither side has sent for the limit
  kMoved,           // handed its session to another endpoint (roaming)
};

// True for the reasons under which a flow counts as a player.
constexpr bool is_counted(Reason r) {
  return r <= Reason::kServerPaused;
}

std::string_view reason_name(Reason r);  // short stable token, e.g. "query_dominated"

struct FlowDecision {
  flowlens_flow_key key{};
  uint32_t server = 0;  // index into the estimator's server list
  Reason reason = Reason::kOneWay;
  double client_silence_seconds = 0;  // since the client's last packet
  double server_silence_seconds = 0;  // since the server's last packet
  double age_seconds = 0;             // since the flow's first packet
  double active_share = 0;            // share of recent seconds with both sides active
  uint64_t packets_in = 0;
  uint64_t packets_out = 0;
  flowlens_flow_key other{};  // kMoved: the endpoint that took over; kTookOver: the one it replaced

  bool counted() const { return is_counted(reason); }
};

// One readable line: "1.2.3.4:27005 counted: sustained two-way exchange (...)".
std::string describe(const FlowDecision& d);

// "1.2.3.4:27005" or "[2001:db8::1]:27005".
std::string endpoint_text(const flowlens_flow_key& key);
// "1.2.3.4" (v4-mapped addresses un-mapped) or "2001:db8::1".
std::string address_text(const uint8_t (&addr)[16]);

}  // namespace flowlens::estimator
