// SPDX-License-Identifier: BSD-2-Clause
#include "server_mapper.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace flowlens::discovery_docker {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void add_both_or_one(std::vector<sdk::Endpoint>& out, uint16_t port, std::string_view proto) {
  if (proto.empty() || proto == "tcp") out.push_back({port, sdk::Proto::kTcp});
  if (proto.empty() || proto == "udp") out.push_back({port, sdk::Proto::kUdp});
}

void sort_unique(std::vector<sdk::Endpoint>& eps) {
  auto key = [](const sdk::Endpoint& e) { return std::pair(e.port, static_cast<int>(e.proto)); };
  std::sort(eps.begin(), eps.end(), [&](auto& a, auto& b) { return key(a) < key(b); });
  eps.erase(std::unique(eps.begin(), eps.end(), [&](auto& a, auto& b) { return key(a) == key(b); }),
            eps.end());
}

std::vector<sdk::Endpoint> endpoints_of(const std::vector<PublishedPort>& ports) {
  std::vector<sdk::Endpoint> out;
  for (const auto& p : ports) out.push_back({p.port, p.udp ? sdk::Proto::kUdp : sdk::Proto::kTcp});
  return out;
}

}  // namespace

IdSource parse_id_source(std::string_view text) {
  IdSource s;
  if (text == "hostname") return s;
  if (text == "id") return {IdSource::Kind::kId, ""};
  if (text == "name") return {IdSource::Kind::kName, ""};
  for (auto [prefix, kind] : {std::pair{std::string_view("label:"), IdSource::Kind::kLabel},
                              std::pair{std::string_view("env:"), IdSource::Kind::kEnv}}) {
    if (text.starts_with(prefix)) {
      if (text.size() == prefix.size()) {
        throw std::invalid_argument("'" + std::string(text) + "' names no key");
      }
      return {kind, std::string(text.substr(prefix.size()))};
    }
  }
  throw std::invalid_argument("'" + std::string(text) +
                              "' is not one of hostname, id, name, label:KEY, env:KEY");
}

std::vector<sdk::Endpoint> parse_port_list(std::string_view text) {
  std::vector<sdk::Endpoint> out;
  size_t index = 0;
  while (true) {
    const size_t comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    const size_t slash = item.find('/');
    const std::string_view number = item.substr(0, slash);
    const std::string_view proto = slash == std::string_view::npos ? "" : item.substr(slash + 1);
    unsigned port = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), port);
    if (ec != std::errc() || end != number.data() + number.size() || port == 0 || port > 65535 ||
        (slash != std::string_view::npos && proto != "tcp" && proto != "udp")) {
      throw std::invalid_argument("item " + std::to_string(index) + " '" + std::string(item) +
                                  "' is not PORT, PORT/tcp or PORT/udp");
    }
    add_both_or_one(out, static_cast<uint16_t>(port), proto);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
    ++index;
  }
  sort_unique(out);
  return out;
}

bool selected(const ContainerFacts& c, const MapperSettings& s) {
  for (const auto& [key, value] : s.labels) {
    auto it = c.labels.find(key);
    if (it == c.labels.end() || it->second != value) return false;
  }
  return true;
}

bool needs_inspect(const ContainerFacts& c, const MapperSettings& s) {
  return s.needs_inspect() || (c.host_network() && !c.labels.contains(std::string(kPortsLabel)));
}

MapOutcome map_container(const ContainerFacts& c, const MapperSettings& s) {
  MapOutcome out;
  const InspectDetails* d = c.details ? &*c.details : nullptr;
  if (needs_inspect(c, s) && d == nullptr) {
    out.problem = "its inspect answer is missing";
    return out;
  }
  sdk::Server server;
  switch (s.id_source.kind) {
    case IdSource::Kind::kHostname:
      server.id = d->hostname;
      break;
    case IdSource::Kind::kId:
      server.id = c.id;
      break;
    case IdSource::Kind::kName:
      server.id = c.name;
      break;
    case IdSource::Kind::kLabel:
      if (auto it = c.labels.find(s.id_source.key); it != c.labels.end()) server.id = it->second;
      break;
    case IdSource::Kind::kEnv:
      if (auto it = d->env.find(s.id_source.key); it != d->env.end()) server.id = it->second;
      break;
  }
  if (server.id.empty()) {
    out.problem = "its server id source gives an empty id";
    return out;
  }

  try {
    if (!s.port_env_var.empty() && d->env.contains(s.port_env_var)) {
      server.endpoints = parse_port_list(d->env.at(s.port_env_var));
    } else if (auto it = c.labels.find(std::string(kPortsLabel)); it != c.labels.end()) {
      server.endpoints = parse_port_list(it->second);
    } else if (c.host_network()) {
      server.endpoints = endpoints_of(d->exposed);
    } else {
      server.endpoints = endpoints_of(c.published);
    }
  } catch (const std::invalid_argument& e) {
    out.problem = std::string("its game port is unreadable: ") + e.what();
    return out;
  }
  if (server.endpoints.empty()) {
    out.problem = c.host_network() ? "it uses the host network and names no port (set the " +
                                         std::string(kPortsLabel) + " label or port_env_var)"
                                   : "it publishes no port";
    return out;
  }
  server.name = c.name.empty() ? server.id : c.name;
  server.labels = c.labels;
  server.labels[std::string(kContainerLabel)] = c.name;
  server.labels[std::string(kStateLabel)] = c.state.empty() ? "running" : c.state;
  out.server = std::move(server);
  return out;
}

}  // namespace flowlens::discovery_docker
