/* SPDX-License-Identifier: BSD-2-Clause */
// Panel servers -> FlowLens servers for one node: the id from the chosen attribute, every
// allocation's port as an endpoint (TCP and UDP unless configured), name and egg/nest as labels.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <flowlens/sdk/host.hpp>

#include "panel_model.h"

namespace flowlens::discovery_pterodactyl {

// Which server attribute becomes the FlowLens server id.
enum class IdSource { kUuid, kIdentifier, kName, kExternalId };

struct MappingOptions {
  IdSource id_source = IdSource::kUuid;
  bool tcp = true;  // an allocation is a port for any protocol: watch both unless told
  bool udp = true;
};

struct MappedServers {
  std::vector<sdk::Server> servers;  // in panel order
  // One sentence per panel server of this node that could not be mapped (no id, no port, the
  // same id as an earlier one); the plugin logs each once.
  std::vector<std::string> skipped;
};

MappedServers map_servers(const std::vector<PanelServer>& panel, int64_t node,
                          const MappingOptions& options);

}  // namespace flowlens::discovery_pterodactyl
