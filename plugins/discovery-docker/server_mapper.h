/* SPDX-License-Identifier: BSD-2-Clause */
// Container -> game server: does the container match the label selection, what is its server
// id, and which (port, protocol) pairs are its game ports.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <flowlens/sdk/host.hpp>

#include "container_facts.h"

namespace flowlens::discovery_docker {

// The label a host-network container (which publishes nothing) names its game ports with:
// "27015/udp,27016/udp"; a port without a protocol means both.
inline constexpr std::string_view kPortsLabel = "flowlens.ports";
// Labels the plugin adds to every server, beside the container's own.
inline constexpr std::string_view kContainerLabel = "docker.container";
inline constexpr std::string_view kStateLabel = "docker.state";

struct IdSource {
  enum class Kind { kHostname, kId, kName, kLabel, kEnv };
  Kind kind = Kind::kHostname;
  std::string key;  // kLabel / kEnv
};

// "hostname", "id", "name", "label:KEY", "env:KEY"; throws std::invalid_argument otherwise.
IdSource parse_id_source(std::string_view text);

struct MapperSettings {
  std::map<std::string, std::string> labels;  // all must match; empty selects every container
  IdSource id_source;
  std::string port_env_var;  // "" = published ports
  // True when mapping needs the inspect answer (hostname, environment).
  bool needs_inspect() const {
    return id_source.kind == IdSource::Kind::kHostname || id_source.kind == IdSource::Kind::kEnv ||
           !port_env_var.empty();
  }
};

// "27015", "27015/udp", "27015/tcp,27016/udp" -> endpoints (no protocol = both). Throws
// std::invalid_argument naming the bad item.
std::vector<sdk::Endpoint> parse_port_list(std::string_view text);

bool selected(const ContainerFacts& c, const MapperSettings& s);
// Whether this container also needs its inspect answer (host network reads ExposedPorts).
bool needs_inspect(const ContainerFacts& c, const MapperSettings& s);

struct MapOutcome {
  std::optional<sdk::Server> server;
  std::string problem;  // why not, when selected but unusable (no id, no port, bad env value)
};

// Only for selected containers. Uses c.details when the settings need them; a missing detail
// is a problem, not a guess.
MapOutcome map_container(const ContainerFacts& c, const MapperSettings& s);

}  // namespace flowlens::discovery_docker
