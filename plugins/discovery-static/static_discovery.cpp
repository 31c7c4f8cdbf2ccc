// SPDX-License-Identifier: BSD-2-Clause
#include "static_discovery.h"

#include "server_list.h"

namespace flowlens::discovery_static {

StaticDiscovery::StaticDiscovery(sdk::Host host, const sdk::Config& config)
    : host_(host), servers_(parse_server_list(config)) {}

void StaticDiscovery::start() {
  host_.replace_servers(servers_);
  size_t endpoints = 0;
  for (const auto& s : servers_) endpoints += s.endpoints.size();
  host_.info("published " + std::to_string(servers_.size()) + " servers with " +
             std::to_string(endpoints) + " endpoints");
}

void StaticDiscovery::stop() {
  host_.replace_servers({});
}

}  // namespace flowlens::discovery_static
