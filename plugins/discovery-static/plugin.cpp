// SPDX-License-Identifier: BSD-2-Clause
// discovery-static's entry point. Behaviour: static_discovery.cpp (lifecycle), server_list.cpp
// (config), endpoint_parser.cpp ("PORT/PROTO").
#include "static_discovery.h"

FLOWLENS_PLUGIN(flowlens::discovery_static::StaticDiscovery)
