// SPDX-License-Identifier: BSD-2-Clause
#include "server_mapping.h"

#include <algorithm>
#include <map>
#include <optional>

namespace flowlens::discovery_pterodactyl {

namespace {

std::optional<std::string> id_of(const PanelServer& s, IdSource source) {
  switch (source) {
    case IdSource::kUuid:
      return s.uuid;
    case IdSource::kIdentifier:
      return s.identifier;
    case IdSource::kName:
      return s.name;
    case IdSource::kExternalId:
      return s.external_id;
  }
  return std::nullopt;
}

const char* source_name(IdSource source) {
  switch (source) {
    case IdSource::kUuid:
      return "uuid";
    case IdSource::kIdentifier:
      return "identifier";
    case IdSource::kName:
      return "name";
    case IdSource::kExternalId:
      return "external_id";
  }
  return "?";
}

std::string who(const PanelServer& s) {
  return "panel server " + std::to_string(s.id) + " ('" + s.name + "', " + s.uuid + ")";
}

}  // namespace

MappedServers map_servers(const std::vector<PanelServer>& panel, int64_t node,
                          const MappingOptions& options) {
  MappedServers out;
  std::map<std::string, const PanelServer*> taken;
  for (const PanelServer& s : panel) {
    if (s.node != node) continue;  // the list has no node filter: this is where it happens
    const std::optional<std::string> id = id_of(s, options.id_source);
    if (!id || id->empty()) {
      out.skipped.push_back(who(s) + " has no " + source_name(options.id_source) +
                            " (server_id_source); it is not watched");
      continue;
    }
    if (auto [it, fresh] = taken.emplace(*id, &s); !fresh) {
      out.skipped.push_back(who(s) + " has the same id '" + *id + "' as " + who(*it->second) +
                            "; only the first is watched");
      continue;
    }
    sdk::Server server;
    server.id = *id;
    server.name = s.name;
    // The same port on two addresses of the node is one port to the kernel program.
    std::vector<uint16_t> ports;
    for (const Allocation& a : s.allocations) ports.push_back(a.port);
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    for (uint16_t port : ports) {
      if (options.tcp) server.endpoints.push_back({port, sdk::Proto::kTcp});
      if (options.udp) server.endpoints.push_back({port, sdk::Proto::kUdp});
    }
    if (server.endpoints.empty()) {
      out.skipped.push_back(who(s) + " has no allocation; it is not watched");
      taken.erase(*id);
      continue;
    }
    server.labels["name"] = s.name;
    server.labels["uuid"] = s.uuid;
    server.labels["node"] = std::to_string(s.node);
    if (s.egg) server.labels["egg"] = std::to_string(*s.egg);
    if (s.nest) server.labels["nest"] = std::to_string(*s.nest);
    out.servers.push_back(std::move(server));
  }
  return out;
}

}  // namespace flowlens::discovery_pterodactyl
