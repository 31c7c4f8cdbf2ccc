// SPDX-License-Identifier: BSD-2-Clause
#include "listen_address.h"

#include <charconv>

namespace flowlens::http {

ListenAddress parse_listen_address(std::string_view text) {
  const auto bad = [&](std::string_view why) -> ListenAddress {
    throw ListenAddressError("'" + std::string(text) + "' " + std::string(why) +
                             " (expected ADDR:PORT, [IPV6]:PORT or :PORT)");
  };
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("has no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty()) {
    return bad("has no valid port number");
  }
  // The kernel would pick a port at random, which no client or scraper could know.
  if (port == 0)
    return bad("has port 0, which binds a random port no client can find; give 1-65535");
  ListenAddress out;
  out.text = std::string(text);
  boost::asio::ip::address address;
  if (host.empty()) {
    out.dual_stack = true;
    address = boost::asio::ip::address_v6::any();
  } else {
    const bool bracketed = host.front() == '[' && host.back() == ']' && host.size() >= 2;
    if (bracketed) host = host.substr(1, host.size() - 2);
    boost::system::error_code error;
    address = boost::asio::ip::make_address(std::string(host), error);
    if (error) return bad("has no valid IP address");
    if (address.is_v6() != bracketed) return bad("must put an IPv6 address, and only one, in []");
  }
  out.endpoint = {address, static_cast<unsigned short>(port)};
  return out;
}

}  // namespace flowlens::http
