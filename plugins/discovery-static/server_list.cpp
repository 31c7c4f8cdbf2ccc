// SPDX-License-Identifier: BSD-2-Clause
#include "server_list.h"

#include <flowlens/sdk/endpoint_text.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

namespace flowlens::discovery_static {

namespace {

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= kMaxIdLength &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
         });
}

sdk::Server parse_server(const sdk::Config& c) {
  c.allow_only({"id", "name", "endpoints", "labels"});
  sdk::Server s;
  if (!c.has("id")) c.fail_here("missing key 'id'");
  s.id = c.get_text("id", "");
  if (!valid_id(s.id))
    c.fail("id", "expected letters, digits, '-', '_', '.', ':' (at most " +
                     std::to_string(kMaxIdLength) + "), got '" + s.id + "'");
  s.name = c.get_text("name", "");

  if (!c.has("endpoints")) c.fail_here("missing key 'endpoints' (e.g. endpoints: [\"27015/udp\"])");
  const std::vector<std::string> endpoints = c.get_string_list("endpoints", {});
  if (endpoints.empty()) c.fail("endpoints", "expected a non-empty list such as [\"27015/udp\"]");
  for (size_t i = 0; i < endpoints.size(); ++i) {
    try {
      sdk::parse_endpoint(endpoints[i], s.endpoints);
    } catch (const sdk::EndpointError& e) {
      c.fail("endpoints[" + std::to_string(i) + "]", e.what());
    }
  }
  s.labels = c.get_string_map("labels");
  return s;
}

}  // namespace

std::vector<sdk::Server> parse_server_list(const sdk::Config& config) {
  config.allow_only({"servers"});
  if (!config.has("servers")) config.fail("servers", "missing: list the servers to publish");
  const std::vector<sdk::Config> list = config.sections("servers");
  if (list.size() > kMaxServers)
    config.fail("servers", "at most " + std::to_string(kMaxServers) + " servers, got " +
                               std::to_string(list.size()));

  std::vector<sdk::Server> out;
  std::map<std::string, size_t> ids;
  // (port, proto) -> index of the server that claimed it first.
  std::map<std::pair<uint16_t, sdk::Proto>, size_t> claimed;
  for (size_t i = 0; i < list.size(); ++i) {
    sdk::Server s = parse_server(list[i]);
    if (auto [it, fresh] = ids.emplace(s.id, i); !fresh)
      list[i].fail(
          "id", "'" + s.id + "' is already the id of servers[" + std::to_string(it->second) + "]");
    for (const sdk::Endpoint& ep : s.endpoints) {
      auto [it, fresh] = claimed.emplace(std::pair{ep.port, ep.proto}, i);
      // A port counted for two servers would be attributed to neither correctly.
      if (!fresh && it->second != i)
        list[i].fail("endpoints", sdk::to_string(ep) + " is already claimed by servers[" +
                                      std::to_string(it->second) + "] ('" + out[it->second].id +
                                      "')");
    }
    // Overlapping ranges within one server are harmless; publish each endpoint once.
    std::sort(s.endpoints.begin(), s.endpoints.end(), [](const auto& a, const auto& b) {
      return std::pair{a.port, a.proto} < std::pair{b.port, b.proto};
    });
    s.endpoints.erase(std::unique(s.endpoints.begin(), s.endpoints.end(),
                                  [](const auto& a, const auto& b) {
                                    return a.port == b.port && a.proto == b.proto;
                                  }),
                      s.endpoints.end());
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace flowlens::discovery_static
