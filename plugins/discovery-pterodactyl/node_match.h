/* SPDX-License-Identifier: BSD-2-Clause */
// Which panel node is this host, when no node id is configured: the node whose fqdn resolves to
// one of this host's addresses. Resolution and the host's addresses are passed in, so the rule
// is tested without DNS; local_addresses.cpp provides the real ones.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "panel_model.h"

namespace flowlens::discovery_pterodactyl {

// Addresses of `fqdn` as numeric text ("127.0.0.1", "::1"); empty when it does not resolve.
using Resolver = std::function<std::vector<std::string>(const std::string& fqdn)>;

// The one node whose fqdn resolves to an address in `local`. Throws std::runtime_error naming
// the candidates when none or several match (the operator then sets node_id).
int64_t node_for_this_host(const std::vector<PanelNode>& nodes, const Resolver& resolve,
                           const std::set<std::string>& local);

}  // namespace flowlens::discovery_pterodactyl
