// The real resolver and this host's addresses for node_match.h.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace flowlens::discovery_pterodactyl {

// getaddrinfo of `host`, numeric text, v4-mapped v6 written as v4; empty when it fails.
std::vector<std::string> resolve_host(const std::string& host);

// Every address on this host's interfaces (getifaddrs), in the same form.
std::set<std::string> local_addresses();

}  // namespace flowlens::discovery_pterodactyl
