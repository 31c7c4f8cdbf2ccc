/* SPDX-License-Identifier: BSD-2-Clause */
// The plugin's config section -> the servers it publishes. Every error names the field as a path
// ("servers[2].endpoints[0]: ...") so check-config can point at the line.
#pragma once

#include <flowlens/sdk/config.hpp>
#include <flowlens/sdk/host.hpp>

#include <vector>

namespace flowlens::discovery_static {

// Servers no host needs more of by hand; a list this long is a generated file gone wrong.
inline constexpr size_t kMaxServers = 10000;
inline constexpr size_t kMaxIdLength = 128;

// Parses {servers: [{id, name, endpoints, labels}, ...]}. Unknown keys, duplicate ids and a
// (port, protocol) claimed by two servers are errors. Throws sdk::ConfigError.
std::vector<sdk::Server> parse_server_list(const sdk::Config& config);

}  // namespace flowlens::discovery_static
