/* SPDX-License-Identifier: BSD-2-Clause */
// What the receivers have been told is firing: the engine's firing set, minus firing notices
// still waiting in the grouper, plus alerts whose resolve is still waiting. This, not the
// engine's set, is what the state file keeps, so that a restart inside group_wait neither
// forgets to send a firing alert nor drops a resolve.
#pragma once

#include "notification.h"
#include "rules_engine.h"

#include <vector>

namespace flowlens::webhook {

// `pending`: notices not yet handed to the webhooks, in the order they were made.
std::vector<FiringRecord> told_firing(const std::vector<FiringRecord>& firing,
                                      const std::vector<Notification>& pending);

// Same alerts (rule, server, since): the state file need not be written again.
bool same_alerts(const std::vector<FiringRecord>& a, const std::vector<FiringRecord>& b);

}  // namespace flowlens::webhook
