/* SPDX-License-Identifier: BSD-2-Clause */
// Listen addresses as operators write them: "ADDR:PORT", "[V6ADDR]:PORT", or Go's ":PORT" (every
// address of both families, as the original FlowLens's server_addr and prometheus_addr meant).
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace flowlens::http {

struct ListenAddress {
  std::string text;  // as written in the config, for messages
  boost::asio::ip::tcp::endpoint endpoint;
  // ":PORT": bound as [::]:PORT with IPV6_V6ONLY off, so IPv4 clients arrive v4-mapped.
  bool dual_stack = false;
};

// Thrown with a message that quotes the text and says what was expected; the caller adds the
// config path in front.
class ListenAddressError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

ListenAddress parse_listen_address(std::string_view text);

}  // namespace flowlens::http
