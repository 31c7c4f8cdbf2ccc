#include "model/server_spec.h"

#include <netinet/in.h>

#include <charconv>

namespace flowlens::model {

namespace {

// Upper bound on ports one range may expand to: a typo like 1-65535 must not watch every port.
constexpr unsigned kMaxRangeSize = 1024;

uint16_t parse_port(std::string_view s, std::string_view whole) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v == 0 || v > 65535)
    throw SpecError("'" + std::string(whole) + "': expected a port 1-65535, got '" +
                    std::string(s) + "'");
  return static_cast<uint16_t>(v);
}

}  // namespace

void parse_endpoints(std::string_view text, std::vector<Endpoint>& out) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    size_t slash = item.find('/');
    if (slash == std::string_view::npos)
      throw SpecError("'" + std::string(item) + "': expected PORT/PROTO such as 27015/udp");
    std::string_view ports = item.substr(0, slash), proto_s = item.substr(slash + 1);
    uint8_t proto;
    if (proto_s == "udp" || proto_s == "UDP") {
      proto = IPPROTO_UDP;
    } else if (proto_s == "tcp" || proto_s == "TCP") {
      proto = IPPROTO_TCP;
    } else {
      throw SpecError("'" + std::string(item) + "': protocol must be tcp or udp, got '" +
                      std::string(proto_s) + "'");
    }
    size_t dash = ports.find('-');
    uint16_t lo = parse_port(ports.substr(0, dash), item);
    uint16_t hi = dash == std::string_view::npos ? lo : parse_port(ports.substr(dash + 1), item);
    if (hi < lo) throw SpecError("'" + std::string(item) + "': range end is below its start");
    if (hi - lo + 1u > kMaxRangeSize)
      throw SpecError("'" + std::string(item) + "': a range may span at most " +
                      std::to_string(kMaxRangeSize) + " ports");
    for (unsigned p = lo; p <= hi; ++p) out.push_back({static_cast<uint16_t>(p), proto});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

Server parse_server_spec(std::string_view spec) {
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == spec.size())
    throw SpecError("server '" + std::string(spec) +
                    "': expected ID=PORT/PROTO[,PORT/PROTO...], e.g. cs=27015/udp");
  Server s;
  s.id = std::string(spec.substr(0, eq));
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
