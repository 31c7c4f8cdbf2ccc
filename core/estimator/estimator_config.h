/* SPDX-License-Identifier: BSD-2-Clause */
// Every threshold the estimator uses, with the default it ships with. The defaults are what the
// accuracy suite is scored on; an operator overrides any of them by name (config_keys.h).
#pragma once

#include <cstdint>

namespace flowlens::estimator {

// A player plays for seconds, not milliseconds: a flow younger than this is not a session yet.
// Crawlers and scans finish well inside it.
inline constexpr double kDefaultMinSessionSeconds = 2.0;
inline constexpr uint32_t kDefaultQualifyWindowSeconds = 5;
inline constexpr double kDefaultMinActiveShare = 0.75;
inline constexpr uint64_t kDefaultMinPacketsEachWay = 5;
inline constexpr double kDefaultMaxQueryShare = 0.5;
inline constexpr double kDefaultMinReplyRatio = 0.1;
inline constexpr double kDefaultPacedMinSeconds = 8.0;
inline constexpr double kDefaultPacedMaxClientGapSeconds = 5.0;
inline constexpr uint32_t kDefaultPacedMinServerLedSeconds = 2;
inline constexpr uint32_t kDefaultSustainWindowSeconds = 30;
inline constexpr double kDefaultMinSustainShare = 0.5;
inline constexpr double kDefaultClientSilenceSeconds = 8.0;
inline constexpr double kDefaultStallHoldSeconds = 15.0;
inline constexpr double kDefaultStallHoldFactor = 2.0;
inline constexpr double kDefaultBothSilenceSeconds = 2.0;
inline constexpr double kDefaultSilenceGapFactor = 3.0;
inline constexpr double kDefaultServerPauseHoldSeconds = 30.0;
inline constexpr double kDefaultHandoverMinSilenceSeconds = 1.0;
inline constexpr double kDefaultHandoverMinAgeSeconds = 1.0;
inline constexpr uint64_t kDefaultHandoverMinPackets = 4;
inline constexpr double kDefaultHandoverWindowSeconds = 10.0;
inline constexpr double kDefaultResumeWindowSeconds = 60.0;
inline constexpr double kDefaultExpireNoiseSeconds = 15.0;
inline constexpr double kDefaultExpireClosedSeconds = 5.0;
inline constexpr double kDefaultExpireEndedSeconds = 90.0;
inline constexpr double kDefaultWarmupSeconds = 5.0;

// The activity window is the kernel's per-second bitmap: nothing older can be judged.
inline constexpr uint32_t kMaxQualifyWindowSeconds = 63;
static_assert(kDefaultQualifyWindowSeconds <= kMaxQualifyWindowSeconds);
static_assert(kDefaultSustainWindowSeconds <= kMaxQualifyWindowSeconds);

struct EstimatorConfig {
  // --- Qualification: when a client endpoint starts to count as a player.

  // Minimum time from a flow's first packet before it can count. Server-list queries, port scans
  // and flood packets are over long before it.
  double min_session_seconds = kDefaultMinSessionSeconds;
  // How many recent whole seconds the activity test looks at (capped by the flow's age). Also the
  // snapshot's sample_window_seconds.
  uint32_t qualify_window_seconds = kDefaultQualifyWindowSeconds;
  // Share of the seconds in that window in which BOTH the client and the server must have sent:
  // games exchange state continuously, crawlers and admin tools in isolated bursts.
  double min_active_share = kDefaultMinActiveShare;
  // Minimum lifetime packets in each direction before a flow can count.
  uint64_t min_packets_each_way = kDefaultMinPacketsEachWay;
  // A flow whose client packets are more than this share server-list queries (UDP payload starting
  // FF FF FF FF) is a browser or crawler, or a reflection attack, never a player.
  double max_query_share = kDefaultMaxQueryShare;
  // Minimum server/client packet ratio: a game answers its players; junk floods get few replies.
  double min_reply_ratio = kDefaultMinReplyRatio;

  // --- Paced games: a slow-ticking game (a client packet every few seconds) fails the activity
  // share above; it counts when its exchange keeps the shape of a game over a longer look.

  // Seconds of history a paced flow needs (capped by sustain_window_seconds); halved when the
  // server's other counted players are paced too (the server is a slow game).
  double paced_min_seconds = kDefaultPacedMinSeconds;
  // The client sends at least once in this many seconds on average over that history.
  double paced_max_client_gap_seconds = kDefaultPacedMaxClientGapSeconds;
  // Seconds in which the server sent while the client sent nothing in that second or the one
  // before: a game server pushes state on its own, a poller or a console only answers. One fewer
  // is enough when the server's other players are paced, and to stay counted.
  uint32_t paced_min_server_led_seconds = kDefaultPacedMinServerLedSeconds;

  // --- Ending: when a counted session stops counting (TCP FIN/RST ends it at once).

  // A counted session must keep both sides active in this share of the last
  // sustain_window_seconds (capped by its age): a poller that once looked busy for a few seconds
  // does not stay a player.
  uint32_t sustain_window_seconds = kDefaultSustainWindowSeconds;
  double min_sustain_share = kDefaultMinSustainShare;

  // The client has sent nothing for this long (plus one of its typical packet gaps): it has gone,
  // even if the server keeps sending (a crashed or vanished client is only timed out by the server
  // 20-60 s later). Must exceed an ordinary lag stall.
  double client_silence_seconds = kDefaultClientSilenceSeconds;
  // Links that stall (bad Wi-Fi, mobile) stall again: once the client, or another player of the
  // same server, has come back from a stall of S seconds, the client silence limit grows to
  // stall_hold_factor * S, up to stall_hold_seconds.
  double stall_hold_seconds = kDefaultStallHoldSeconds;
  double stall_hold_factor = kDefaultStallHoldFactor;
  // Neither side has sent for this long: the session is over (clean UDP disconnects look so).
  double both_silence_seconds = kDefaultBothSilenceSeconds;
  // The both-sides silence limit stretches to this many of the flow's own typical packet gaps, so
  // slow-ticking games are not ended between two packets.
  double silence_gap_factor = kDefaultSilenceGapFactor;
  // When the server goes quiet to all of its (three or more) players at once, it is the server
  // pausing (map change, hitch), not everyone leaving in the same second: the sessions are held
  // this long, or until the server's port refuses them (stopped). Longer than a map load, short
  // enough that a silent stop still empties the server within the leave latency operators accept.
  double server_pause_hold_seconds = kDefaultServerPauseHoldSeconds;

  // --- Roaming: a player moving to a new address or port stays one player.

  // A counted endpoint whose client has been quiet this long may hand its session to a new
  // endpoint of the same server (address change, NAT rebinding, reconnect).
  double handover_min_silence_seconds = kDefaultHandoverMinSilenceSeconds;
  // A new endpoint must be at least this old to take a session over.
  double handover_min_age_seconds = kDefaultHandoverMinAgeSeconds;
  // ... and have exchanged at least this many packets each way.
  uint64_t handover_min_packets = kDefaultHandoverMinPackets;
  // A session that ended by silence this recently can still be taken over by a new endpoint.
  double handover_window_seconds = kDefaultHandoverWindowSeconds;
  // An endpoint ended by silence (or handed over) that talks again within this time counts again
  // at once: it was a long lag stall, not a leave.
  double resume_window_seconds = kDefaultResumeWindowSeconds;

  // --- Expiry: which flows the caller may erase from the flow table.

  // A flow that never counted (query, scan, flood) is erased after this long without packets.
  double expire_noise_seconds = kDefaultExpireNoiseSeconds;
  // A TCP flow that saw FIN or RST is erased after this long without packets.
  double expire_closed_seconds = kDefaultExpireClosedSeconds;
  // A session ended by silence is kept this long without packets (for resume), then erased.
  double expire_ended_seconds = kDefaultExpireEndedSeconds;

  // --- Unknown is not 0.

  // A server is reported unknown until this estimator has watched it this long: its sessions must
  // have had the time to qualify, also after a restart over pinned maps (whose flows are old but
  // whose sessions are new here).
  double warmup_seconds = kDefaultWarmupSeconds;
};

}  // namespace flowlens::estimator
