/* SPDX-License-Identifier: BSD-2-Clause */
// The replay driver: a capture through the same Estimator as live mode, tick by tick in capture
// time, written as the accuracy suite's JSON Lines (tests/accuracy/README.md):
//   {"t": T, "servers": [{"server_id", "active_players", "unique_ips", "total_bytes", "known"}]}
// one line for every whole second T in (first packet, last packet], reflecting packets before T.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "estimator/estimator_config.h"
#include "model/server.h"

namespace flowlens::replay {

// A capture silent longer than this is not a quiet server but a broken timestamp or two captures
// joined: its seconds are not written one line each.
inline constexpr uint64_t kMaxTickGapSeconds = 3600;
// Frames in a row dated past the gap before the capture is taken to continue there.
inline constexpr int kFramesToAcceptJump = 3;

struct ReplayOptions {
  std::string pcap_path;
  std::vector<model::Server> servers;
  estimator::EstimatorConfig config;
  // When set, every change of an endpoint's decision for this server is written to `explain`.
  std::string explain_server;
};

struct ReplayResult {
  uint64_t frames = 0;     // frames read
  uint64_t accounted = 0;  // frames that belonged to a watched server
  uint64_t ticks = 0;
  // Frames dropped for a timestamp far past the others, and jumps in capture time resumed without
  // writing the seconds in between (both after kMaxTickGapSeconds).
  uint64_t skipped_frames = 0;
  uint64_t time_jumps = 0;
  std::string warning;  // e.g. a truncated last record; the ticks before it were written
};

// Throws CaptureError (unreadable capture) or std::invalid_argument (explain server unknown).
ReplayResult run_replay(const ReplayOptions& opts, std::ostream& out, std::ostream& explain);

}  // namespace flowlens::replay
