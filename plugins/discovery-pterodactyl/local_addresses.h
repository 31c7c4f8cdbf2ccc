/* SPDX-License-Identifier: BSD-2-Clause */
// The real resolver and this host's addresses for node_match.h.
#pragma once

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace flowlens::discovery_pterodactyl {

// Resolving one node's fqdn may take no longer: a dead resolver would otherwise hold the poll
// thread for the resolver's own retries.
inline constexpr std::chrono::milliseconds kResolveTimeout{5'000};

// The addresses of `host` (getaddrinfo, run asynchronously), numeric text, v4-mapped v6 written
// as v4; empty when it fails or takes longer than kResolveTimeout. Returns within about 100 ms
// once `stop` is set.
std::vector<std::string> resolve_host(const std::string& host, const std::atomic<bool>& stop);

// Every address on this host's interfaces (getifaddrs), in the same form.
std::set<std::string> local_addresses();

}  // namespace flowlens::discovery_pterodactyl
