// SPDX-License-Identifier: BSD-2-Clause
#include "failure_log.h"

namespace flowlens::discovery_pterodactyl {

void FailureLog::failed(const std::string& kind, const std::string& message) {
  if (!logged_.insert(kind).second) return;
  host_.warn(message + "; keeping the last good server list (said once until a sync succeeds)");
}

void FailureLog::succeeded() {
  if (logged_.empty()) return;
  logged_.clear();
  host_.info("the panel answers again: server list up to date");
}

}  // namespace flowlens::discovery_pterodactyl
