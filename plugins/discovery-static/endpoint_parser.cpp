#include "endpoint_parser.h"

#include <charconv>

namespace flowlens::discovery_static {

namespace {

bool parse_port(std::string_view s, uint16_t& out) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v == 0 || v > 65535) return false;
  out = static_cast<uint16_t>(v);
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != b[i]) return false;
  return true;
}

}  // namespace

void parse_endpoint(std::string_view text, std::vector<sdk::Endpoint>& out) {
  const std::string got = ", got '" + std::string(text) + "'";
  size_t slash = text.find('/');
  if (slash == std::string_view::npos)
    throw EndpointError("expected PORT/PROTO such as 27015/udp or 27015-27016/udp" + got);
  std::string_view ports = text.substr(0, slash);
  std::string_view proto_text = text.substr(slash + 1);
  sdk::Proto proto;
  if (iequals(proto_text, "udp")) {
    proto = sdk::Proto::kUdp;
  } else if (iequals(proto_text, "tcp")) {
    proto = sdk::Proto::kTcp;
  } else {
    throw EndpointError("expected protocol tcp or udp after '/'" + got);
  }
  size_t dash = ports.find('-');
  uint16_t first = 0;
  uint16_t last = 0;
  if (!parse_port(ports.substr(0, dash), first) ||
      (dash != std::string_view::npos && !parse_port(ports.substr(dash + 1), last)))
    throw EndpointError("expected a port 1-65535 or a range FIRST-LAST" + got);
  if (dash == std::string_view::npos) last = first;
  if (last < first) throw EndpointError("expected a range whose end is not below its start" + got);
  if (last - first + 1u > kMaxRangeSize)
    throw EndpointError("expected a range of at most " + std::to_string(kMaxRangeSize) + " ports" +
                        got);
  for (unsigned p = first; p <= last; ++p) out.push_back({static_cast<uint16_t>(p), proto});
}

std::string to_string(const sdk::Endpoint& ep) {
  return std::to_string(ep.port) + (ep.proto == sdk::Proto::kTcp ? "/tcp" : "/udp");
}

}  // namespace flowlens::discovery_static
