// The replay driver: a capture through the same Estimator as live mode, tick by tick in capture
// time, written as the accuracy suite's JSON Lines (../shared/accuracy/README.md):
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
  std::string warning;  // e.g. a truncated last record; the ticks before it were written
};

// Throws CaptureError (unreadable capture) or std::invalid_argument (explain server unknown).
ReplayResult run_replay(const ReplayOptions& opts, std::ostream& out, std::ostream& explain);

}  // namespace flowlens::replay
