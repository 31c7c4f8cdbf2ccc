// SPDX-License-Identifier: BSD-2-Clause
// "25565/tcp" and "27015-27016/udp" <-> endpoints. One parser for the core's --server option,
// discovery-static's list and any plugin reading ports from text (labels, environment).
#pragma once

#include <charconv>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "flowlens/sdk/host.hpp"

namespace flowlens::sdk {

// A typo such as 1-65535 must not make the kernel watch every port.
inline constexpr unsigned kMaxPortRange = 1024;

// Thrown with "expected ..., got '...'" and no field name: the caller knows which field it read.
class EndpointError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

namespace detail {

inline bool parse_port_number(std::string_view s, uint16_t& out) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v == 0 || v > 65535) return false;
  out = static_cast<uint16_t>(v);
  return true;
}

inline bool equals_lowercase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != lower[i]) return false;
  return true;
}

}  // namespace detail

// "udp" / "tcp" in any case; false for anything else.
inline bool parse_proto(std::string_view text, Proto& out) {
  if (detail::equals_lowercase(text, "udp")) {
    out = Proto::kUdp;
  } else if (detail::equals_lowercase(text, "tcp")) {
    out = Proto::kTcp;
  } else {
    return false;
  }
  return true;
}

// Appends the endpoints one "PORT/PROTO" or "FIRST-LAST/PROTO" names to `out`.
inline void parse_endpoint(std::string_view text, std::vector<Endpoint>& out) {
  const std::string got = ", got '" + std::string(text) + "'";
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos)
    throw EndpointError("expected PORT/PROTO such as 27015/udp or 27015-27016/udp" + got);
  const std::string_view ports = text.substr(0, slash);
  Proto proto;
  if (!parse_proto(text.substr(slash + 1), proto))
    throw EndpointError("expected protocol tcp or udp after '/'" + got);
  const size_t dash = ports.find('-');
  uint16_t first = 0;
  uint16_t last = 0;
  if (!detail::parse_port_number(ports.substr(0, dash), first) ||
      (dash != std::string_view::npos && !detail::parse_port_number(ports.substr(dash + 1), last)))
    throw EndpointError("expected a port 1-65535 or a range FIRST-LAST" + got);
  if (dash == std::string_view::npos) last = first;
  if (last < first) throw EndpointError("expected a range whose end is not below its start" + got);
  if (last - first + 1u > kMaxPortRange)
    throw EndpointError("expected a range of at most " + std::to_string(kMaxPortRange) + " ports" +
                        got);
  for (unsigned p = first; p <= last; ++p) out.push_back({static_cast<uint16_t>(p), proto});
}

inline std::string to_string(const Endpoint& ep) {
  return std::to_string(ep.port) + (ep.proto == Proto::kTcp ? "/tcp" : "/udp");
}

}  // namespace flowlens::sdk
