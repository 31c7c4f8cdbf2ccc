/* SPDX-License-Identifier: BSD-2-Clause */
// Which interface carries the host's default route: the daemon's interface when none is set.
#pragma once

#include <string>

#include "bpf/result.h"

namespace flowlens::bpf {

// Reads `proc_net`/route (IPv4) and, if it has no default route, `proc_net`/ipv6_route. Among
// default routes that are up, the lowest metric wins. `proc_net` is a parameter for tests.
Result<std::string> default_route_interface(const std::string& proc_net = "/proc/net");

}  // namespace flowlens::bpf
