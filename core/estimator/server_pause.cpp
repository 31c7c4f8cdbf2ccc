// SPDX-License-Identifier: BSD-2-Clause
// Server pauses: a map change, a save or a hitch makes the server stop sending to every player at
// once, and the players' clients wait quietly. Seen per flow it looks like every player leaving in
// the same second; seen per server it is not. Sessions that would end because both sides went
// quiet are decided here, once the whole server has been seen.
#include <algorithm>

#include "estimator/estimator.h"
#include "estimator/server_tick.h"

namespace flowlens::estimator {

namespace {

// Players of a pausing server all lose the server within this spread of each other (one server
// tick, plus the slowest games' packet gap).
constexpr uint64_t kPauseSpreadNs = FLOWLENS_NS_PER_SEC;
// One or two players going quiet both ways in the same second happens with ordinary leaves; a
// pause needs at least this many at once.
constexpr size_t kMinPausedSessions = 3;

}  // namespace

void Estimator::resolve_pauses(uint64_t now_ns) {
  for (uint32_t srv = 0; srv < per_server_.size(); ++srv) {
    auto& st = per_server_[srv];
    auto& mem = memory_[srv];
    if (st.pending.empty()) {
      mem.pause_out_ns = 0;
      continue;
    }
    uint64_t lo = ~0ULL, hi = 0;
    for (const auto& p : st.pending) {
      uint64_t last = p.rec->value.dir[FLOWLENS_DIR_OUT].last_ns;
      lo = std::min(lo, last);
      hi = std::max(hi, last);
    }
    // A pause begins when every counted session goes quiet at once. It then lasts for the
    // sessions it caught even while others count again: players back from the load, or
    // reconnected from a new port, must not end it for those still loading.
    if (st.pending.size() >= kMinPausedSessions && st.pending.size() == st.counted.size() &&
        hi - lo <= kPauseSpreadNs)
      mem.pause_out_ns = hi;
    // A loading server does not refuse its clients; a stopped one does (ICMP port unreachable
    // to any client still sending, a crawler's query too): the pause is over.
    if (st.refused_ns > mem.pause_out_ns) mem.pause_out_ns = 0;
    bool held_any = false;
    for (const auto& p : st.pending) {
      uint64_t last = p.rec->value.dir[FLOWLENS_DIR_OUT].last_ns;
      if (mem.pause_out_ns != 0 && last + kPauseSpreadNs >= mem.pause_out_ns &&
          last <= mem.pause_out_ns + kPauseSpreadNs) {
        // Held: counted, explained as server_paused; a player reconnecting from a new port
        // takes its session over.
        held_any = true;
        st.sources.push_back({p.rec, p.decision});
        // When the traffic returns, its activity is judged from then on, not over the pause.
        sessions_.find(p.rec->key)->second.active_since_ns = now_ns;
        continue;
      }
      Session& s = sessions_.find(p.rec->key)->second;
      end_session(s, *p.rec, p.why, p.busy, now_ns);
      st.counted.erase(std::find(st.counted.begin(), st.counted.end(), p.rec));
      st.sources.push_back({p.rec, p.decision});
      if (p.decision >= 0) decisions_[p.decision].reason = p.why;
    }
    if (!held_any) mem.pause_out_ns = 0;
  }
}

}  // namespace flowlens::estimator
