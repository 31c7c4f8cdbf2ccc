// SPDX-License-Identifier: BSD-2-Clause
#include "replay/replay_runner.h"

#include <boost/unordered/unordered_flat_map.hpp>
#include <fmt/format.h>

#include <ostream>
#include <stdexcept>

#include "estimator/estimator.h"
#include "model/tick_line.h"
#include "replay/pcap_reader.h"
#include "replay/packet_parser.h"
#include "replay/replay_flow_table.h"

namespace flowlens::replay {

namespace {

constexpr uint64_t kNsPerSec = 1000000000ULL;

// Writes, per tick, the decisions of the explained server that differ from the previous tick, so
// the transcript shows each endpoint's story (joins, leaves, why noise never counted) once.
class ExplainWriter {
 public:
  ExplainWriter(std::ostream& os, int32_t server) : os_(os), server_(server) {}

  void tick(uint64_t t, const model::ServerEstimate& e,
            std::span<const estimator::FlowDecision> decisions) {
    if (server_ < 0) return;
    std::string lines;
    for (const auto& d : decisions) {
      if (d.server != static_cast<uint32_t>(server_)) continue;
      auto [it, fresh] = last_.try_emplace(d.key, d.reason);
      if (!fresh && it->second == d.reason) continue;
      it->second = d.reason;
      lines += fmt::format("t={} {}: {}\n", t, e.server_id, estimator::describe(d));
    }
    if (lines.empty() && e.active_players == last_count_) return;
    last_count_ = e.active_players;
    os_ << fmt::format("t={} {}: {} players{}\n", t, e.server_id, e.active_players,
                       e.known ? "" : " (unknown: " + e.unknown_reason + ")")
        << lines;
  }

 private:
  std::ostream& os_;
  int32_t server_;
  uint32_t last_count_ = ~0u;
  boost::unordered_flat_map<flowlens_flow_key, estimator::Reason, estimator::KeyHash,
                            estimator::KeyEq>
      last_;
};

}  // namespace

ReplayResult run_replay(const ReplayOptions& opts, std::ostream& out, std::ostream& explain) {
  int32_t explain_index = -1;
  if (!opts.explain_server.empty()) {
    for (size_t i = 0; i < opts.servers.size(); ++i)
      if (opts.servers[i].id == opts.explain_server) explain_index = static_cast<int32_t>(i);
    if (explain_index < 0)
      throw std::invalid_argument("--explain " + opts.explain_server +
                                  ": no --server with that id");
  }
  PcapReader reader(opts.pcap_path);
  ReplayFlowTable table;
  table.watch(opts.servers);
  estimator::Estimator est(opts.config);
  est.set_servers(opts.servers);
  est.record_decisions(explain_index >= 0);
  ExplainWriter explainer(explain, explain_index);

  std::vector<model::FlowRecord> records;
  std::string line;
  ReplayResult res;
  auto emit = [&](uint64_t t) {
    table.read_all(records);
    model::Snapshot snap = est.tick(records, t * kNsPerSec, static_cast<int64_t>(t) * 1000);
    table.erase(est.expired());
    line.clear();
    model::append_tick_line(line, snap);
    out << line;
    explainer.tick(
        t,
        snap.servers.empty() ? model::ServerEstimate{} : snap.servers[std::max(explain_index, 0)],
        est.decisions());
    ++res.ticks;
  };

  CapturedFrame f;
  ParsedPacket p;
  uint64_t next_tick = 0;    // seconds; 0 until the first frame
  int frames_far_ahead = 0;  // consecutive frames dated past the gap limit
  while (reader.next(f)) {
    if (res.frames++ == 0) next_tick = f.ts_ns / kNsPerSec + 1;
    if (f.ts_ns / kNsPerSec >= next_tick + kMaxTickGapSeconds) {
      // One corrupt timestamp must not write a line per second of a year. A lone frame far
      // ahead is dropped; several in a row are a capture that really goes on later (two
      // captures joined), resumed there without writing the empty stretch.
      if (++frames_far_ahead < kFramesToAcceptJump) {
        ++res.skipped_frames;
        continue;
      }
      ++res.time_jumps;
      next_tick = f.ts_ns / kNsPerSec + 1;
    }
    frames_far_ahead = 0;
    while (f.ts_ns >= next_tick * kNsPerSec) emit(next_tick++);
    if (parse_frame(f.data, f.cap_len, p) && table.account(p, f.wire_len, f.ts_ns)) ++res.accounted;
  }
  res.warning = reader.warning();
  out.flush();
  return res;
}

}  // namespace flowlens::replay
