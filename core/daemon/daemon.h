/* SPDX-License-Identifier: BSD-2-Clause */
// `flowlensd run`: load the configuration, attach the datapath, start the plugins and publish
// an estimate every metrics_interval until SIGINT or SIGTERM.
#pragma once

#include "daemon/run_options.h"

namespace flowlens::daemon {

// Returns the process exit status: 0 after a clean shutdown, 1 when it could not start (the
// reason is logged as one line), 2 for a bad configuration.
int run_daemon(const RunOptions& opts);

}  // namespace flowlens::daemon
