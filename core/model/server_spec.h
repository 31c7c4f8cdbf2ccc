/* SPDX-License-Identifier: BSD-2-Clause */
// Parses the command-line server form `ID=PORT/PROTO[,PORT/PROTO...]` (ports may be ranges,
// `27015-27016/udp`), shared by `run --server` and `replay --server`.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include "model/server.h"

namespace flowlens::model {

// Thrown with a message naming the spec and what was expected.
class SpecError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Parses "25565/tcp", "27015-27016/udp" into endpoints appended to `out`.
void parse_endpoints(std::string_view text, std::vector<Endpoint>& out);

// Parses "cs=27015/udp,27015/tcp". The server's name is its id. The id takes letters, digits,
// '-', '_', '.', ':' (as discovery-static's), at most kMaxServerIdLength.
Server parse_server_spec(std::string_view spec);

// Parses every spec as the config would check a server list: an id given twice, or a
// (port, protocol) claimed by two servers, is an error naming both.
std::vector<Server> parse_server_specs(const std::vector<std::string>& specs);

inline constexpr size_t kMaxServerIdLength = 128;

std::string to_string(const Endpoint& ep);  // "27015/udp"

}  // namespace flowlens::model
