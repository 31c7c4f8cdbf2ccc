// SPDX-License-Identifier: BSD-2-Clause
#include "address.h"

#include <charconv>
#include <stdexcept>

namespace flowlens::statsd {

Address parse_address(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    throw std::invalid_argument("expected host:port, e.g. 127.0.0.1:8125, got '" +
                                std::string(text) + "'");
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    throw std::invalid_argument("an IPv6 address goes in brackets, e.g. [::1]:8125, got '" +
                                std::string(text) + "'");
  }
  if (host.empty()) {
    throw std::invalid_argument("the host is empty in '" + std::string(text) + "'");
  }
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    throw std::invalid_argument("the port must be 1-65535, got '" + std::string(port_text) + "'");
  }
  return Address{std::string(host), static_cast<uint16_t>(port)};
}

}  // namespace flowlens::statsd
