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
  for (auto& st : per_server_) {
    if (st.pending.empty()) continue;
    uint64_t lo = ~0ULL, hi = 0;
    for (const auto& p : st.pending) {
      uint64_t last = p.rec->value.dir[FLOWLENS_DIR_OUT].last_ns;
      lo = std::min(lo, last);
      hi = std::max(hi, last);
    }
    bool paused = st.pending.size() >= kMinPausedSessions &&
                  st.pending.size() == st.counted.size() && hi - lo <= kPauseSpreadNs;
    if (paused) continue;  // held: counted, explained as server_paused
    for (const auto& p : st.pending) {
      Session& s = sessions_.find(p.rec->key)->second;
      end_session(s, *p.rec, p.why, p.sustain_share, now_ns);
      st.counted.erase(std::find(st.counted.begin(), st.counted.end(), p.rec));
      st.sources.push_back({p.rec, p.decision});
      if (p.decision >= 0) decisions_[p.decision].reason = p.why;
    }
  }
}

}  // namespace flowlens::estimator
