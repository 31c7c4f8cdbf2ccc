/* SPDX-License-Identifier: BSD-2-Clause */
// The step of `flowlensd run` between attaching and starting the plugins: become core.user if
// one is set and keep only the capabilities running needs (privileges/privilege_drop.h).
#pragma once

#include "bpf/datapath.h"
#include "config/config.h"

namespace flowlens::daemon {

// Logs one line saying who the daemon now runs as and what it kept, or the fatal error. Returns
// false when the daemon must exit: it cannot know what it still holds.
bool keep_running_privileges(const config::Config& config, const bpf::Datapath& datapath);

}  // namespace flowlens::daemon
