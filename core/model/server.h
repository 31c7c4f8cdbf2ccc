/* SPDX-License-Identifier: BSD-2-Clause */
// A game server as discovery describes it: which (port, protocol) pairs carry its traffic.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace flowlens::model {

struct Endpoint {
  uint16_t port = 0;  // host byte order
  uint8_t proto = 0;  // IPPROTO_TCP or IPPROTO_UDP

  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

struct Server {
  std::string id;
  std::string name;
  std::vector<Endpoint> endpoints;
  std::map<std::string, std::string> labels;

  friend bool operator==(const Server&, const Server&) = default;
};

}  // namespace flowlens::model
