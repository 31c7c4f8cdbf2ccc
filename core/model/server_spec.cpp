// SPDX-License-Identifier: BSD-2-Clause
#include "model/server_spec.h"

#include <netinet/in.h>

#include <cctype>
#include <map>

#include "flowlens/sdk/endpoint_text.hpp"

namespace flowlens::model {

void parse_endpoints(std::string_view text, std::vector<Endpoint>& out) {
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string_view item =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    std::vector<sdk::Endpoint> parsed;
    try {
      sdk::parse_endpoint(item, parsed);
    } catch (const sdk::EndpointError& e) {
      throw SpecError(e.what());
    }
    for (const sdk::Endpoint& ep : parsed) out.push_back({ep.port, static_cast<uint8_t>(ep.proto)});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

namespace {

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxServerIdLength) return false;
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  return true;
}

}  // namespace

std::vector<Server> parse_server_specs(const std::vector<std::string>& specs) {
  std::vector<Server> out;
  std::map<std::string, size_t> ids;
  std::map<Endpoint, std::string> claimed;
  for (const auto& spec : specs) {
    Server s = parse_server_spec(spec);
    if (!ids.emplace(s.id, out.size()).second)
      throw SpecError("server '" + s.id + "': the id is given by an earlier --server too");
    for (const Endpoint& ep : s.endpoints) {
      auto [it, fresh] = claimed.emplace(ep, s.id);
      // A port counted for two servers would be attributed to neither correctly.
      if (!fresh && it->second != s.id)
        throw SpecError("server '" + s.id + "': " + to_string(ep) +
                        " is already claimed by server '" + it->second + "'");
    }
    out.push_back(std::move(s));
  }
  return out;
}

Server parse_server_spec(std::string_view spec) {
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == spec.size())
    throw SpecError("server '" + std::string(spec) +
                    "': expected ID=PORT/PROTO[,PORT/PROTO...], e.g. cs=27015/udp");
  Server s;
  s.id = std::string(spec.substr(0, eq));
  if (!valid_id(s.id))
    throw SpecError("server '" + s.id +
                    "': an id takes letters, digits, '-', '_', '.', ':' (at most " +
                    std::to_string(kMaxServerIdLength) + ")");
  s.name = s.id;
  try {
    parse_endpoints(spec.substr(eq + 1), s.endpoints);
  } catch (const SpecError& e) {
    throw SpecError("server '" + s.id + "': " + e.what());
  }
  return s;
}

std::string to_string(const Endpoint& ep) {
  return std::to_string(ep.port) + (ep.proto == IPPROTO_TCP ? "/tcp" : "/udp");
}

}  // namespace flowlens::model
