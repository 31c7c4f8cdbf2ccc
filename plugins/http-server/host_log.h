/* SPDX-License-Identifier: BSD-2-Clause */
// Routes the server's log lines into the daemon's log (the SDK host), tagged with the instance.
#pragma once

#include "server.h"

#include <flowlens/sdk/host.hpp>

namespace flowlens::http {

LogFn host_logger(sdk::Host host);

}  // namespace flowlens::http
