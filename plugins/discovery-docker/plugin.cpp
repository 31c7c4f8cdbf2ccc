// SPDX-License-Identifier: BSD-2-Clause
// discovery-docker's entry point. Lifecycle and event handling: docker_discovery.cpp; the
// Engine API client: engine_client.cpp; container -> server: container_facts.cpp,
// server_mapper.cpp; the grace period: server_table.cpp; config: settings.cpp.
#include "docker_discovery.h"

FLOWLENS_PLUGIN(flowlens::discovery_docker::DockerDiscovery)
