/* SPDX-License-Identifier: BSD-2-Clause */
// Whether a plugin is configured to listen on a port below 1024, which only a process holding
// CAP_NET_BIND_SERVICE may bind. The daemon keeps that capability only then.
#pragma once

#include <string>

#include "config/config.h"

namespace flowlens::config {

// "plugins.web listens on :80" for the first enabled instance with a `listen` address (a string
// or a list of them, at any depth of its section, as the HTTP sinks and the panel webhook
// receiver spell it) whose port is below 1024; "" when there is none.
std::string privileged_listen(const Config& config);

}  // namespace flowlens::config
