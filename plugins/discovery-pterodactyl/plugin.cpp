// SPDX-License-Identifier: BSD-2-Clause
// discovery-pterodactyl's entry point. Behaviour: pterodactyl_discovery.cpp (lifecycle, poll
// thread), panel_client.cpp (Application API), page_parser.cpp (answers), server_mapping.cpp
// (panel server -> FlowLens server), settings.cpp (config).
#include "pterodactyl_discovery.h"

FLOWLENS_PLUGIN(flowlens::discovery_pterodactyl::PterodactylDiscovery)
