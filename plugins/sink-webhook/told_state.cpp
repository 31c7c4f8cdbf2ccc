// SPDX-License-Identifier: BSD-2-Clause
#include "told_state.h"

#include <map>
#include <set>
#include <utility>

namespace flowlens::webhook {

std::vector<FiringRecord> told_firing(const std::vector<FiringRecord>& firing,
                                      const std::vector<Notification>& pending) {
  using Key = std::pair<std::string, std::string>;  // rule, server id
  std::map<Key, FiringRecord> told;
  for (const FiringRecord& r : firing) told[{r.rule, r.server_id}] = r;
  std::set<Key> untold_fire;  // fired, and that notice has not gone out
  for (const Notification& n : pending) {
    if (n.repeat) continue;
    const Key key{n.rule, n.server_id};
    if (n.state == AlertState::kFiring) {
      told.erase(key);
      untold_fire.insert(key);
    } else if (untold_fire.erase(key) > 0) {
      told.erase(key);  // fired and resolved within one group: nobody was told either
    } else {
      told[key] =
          FiringRecord{n.rule, n.server_id, n.server_name, n.labels, n.threshold, n.since_wall_ms};
    }
  }
  std::vector<FiringRecord> out;
  for (auto& [key, r] : told) out.push_back(std::move(r));
  return out;
}

bool same_alerts(const std::vector<FiringRecord>& a, const std::vector<FiringRecord>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].rule != b[i].rule || a[i].server_id != b[i].server_id ||
        a[i].since_wall_ms != b[i].since_wall_ms) {
      return false;
    }
  }
  return true;
}

}  // namespace flowlens::webhook
