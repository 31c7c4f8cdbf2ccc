// SPDX-License-Identifier: BSD-2-Clause
// Roaming: a player whose address or port changes (new network, NAT rebinding, reconnect) shows
// as one endpoint going quiet and a new one starting. Each tick, per server, the endpoints that
// just went quiet are paired with the young endpoints that started after them; the session moves,
// so the player is counted once, continuously.
#include <algorithm>
#include <cstring>

#include "estimator/estimator.h"
#include "estimator/flow_rules.h"
#include "estimator/server_tick.h"

namespace flowlens::estimator {

void Estimator::hand_over(uint64_t now_ns) {
  const uint64_t slack = static_cast<uint64_t>(cfg_.handover_min_silence_seconds * 1e9);
  for (uint32_t srv = 0; srv < per_server_.size(); ++srv) {
    auto& st = per_server_[srv];
    if (st.sources.empty() || st.takers.empty()) continue;
    // The most recently silent first: it is the likeliest to be the newest endpoint's past.
    std::sort(st.sources.begin(), st.sources.end(), [](const auto& a, const auto& b) {
      return a.first->value.dir[FLOWLENS_DIR_IN].last_ns >
             b.first->value.dir[FLOWLENS_DIR_IN].last_ns;
    });
    // Same-address pairs first, over all sources: when many go quiet at once (a level load) and
    // come back from new ports, the first source must not take another player's new endpoint.
    done_.assign(st.sources.size(), false);
    for (int pass = 0; pass < 2; ++pass)
      for (size_t i = 0; i < st.sources.size(); ++i) {
        if (done_[i]) continue;
        auto [src_rec, src_idx] = st.sources[i];
        const uint64_t quiet_since = src_rec->value.dir[FLOWLENS_DIR_IN].last_ns;
        Taker* best = nullptr;
        for (auto& t : st.takers) {
          if (t.used || t.rec->value.first_ns + slack < quiet_since) continue;
          bool same_addr = std::memcmp(t.rec->key.client_addr, src_rec->key.client_addr, 16) == 0;
          if (pass == 0 && !same_addr) continue;
          if (!best || t.rec->value.first_ns < best->rec->value.first_ns) best = &t;
        }
        if (!best) continue;
        done_[i] = true;
        best->used = true;
        if (!sessions_.contains(best->rec->key)) {
          // Not qualified on its own yet: it counts now, as the continuation of the quiet one.
          const auto& in = best->rec->value.dir[FLOWLENS_DIR_IN];
          Session s;
          s.prev_in = in.packets;
          s.prev_in_last_ns = in.last_ns;
          s.in_rate = sessions_.find(src_rec->key)->second.in_rate;
          s.active_since_ns = best->rec->value.first_ns;
          s.seen_tick = tick_no_;
          sessions_.emplace(best->rec->key, s);
          st.counted.push_back(best->rec);
        }
        // Looked up only now: the insertion above may have moved every session in memory.
        Session& src = sessions_.find(src_rec->key)->second;
        Session& dst = sessions_.find(best->rec->key)->second;
        dst.since_ns = src.since_ns;
        dst.reason = Reason::kTookOver;
        dst.other = src_rec->key;
        src.reason = Reason::kMoved;
        if (src.counted) {
          src.counted = false;
          src.ended_ns = now_ns;
          src.busy_at_end = true;  // it was counted until now: a false move may resume
          src.in_at_end = src_rec->value.dir[FLOWLENS_DIR_IN].packets;
          src.out_at_end = src_rec->value.dir[FLOWLENS_DIR_OUT].packets;
          st.counted.erase(std::find(st.counted.begin(), st.counted.end(), src_rec));
        }
        src.consumed = true;
        src.other = best->rec->key;
        if (src_idx >= 0) {
          decisions_[src_idx].reason = src.reason;
          decisions_[src_idx].other = src.other;
        }
        if (best->decision >= 0) {
          decisions_[best->decision].reason = Reason::kTookOver;
          decisions_[best->decision].other = src_rec->key;
        }
      }
  }
}

}  // namespace flowlens::estimator
