/* SPDX-License-Identifier: BSD-2-Clause */
// From the SDK's C++ values to the sink's own, the one place the two meet.
#pragma once

#include "log.h"
#include "sample.h"

#include <flowlens/plugin.hpp>

namespace flowlens::statsd {

Samples from_sdk(const sdk::Snapshot& snapshot);
// Routes the sink's log lines into the daemon's log, tagged with the instance name.
LogFn host_logger(sdk::Host host);

}  // namespace flowlens::statsd
