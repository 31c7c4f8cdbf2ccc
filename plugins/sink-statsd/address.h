/* SPDX-License-Identifier: BSD-2-Clause */
// The `address` key: "host:port", "[ipv6]:port" or "ipv4:port". The host may be a name, which
// is resolved in the background (resolver.h), never on the delivery thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace flowlens::statsd {

struct Address {
  std::string host;  // without brackets
  uint16_t port = 0;
};

// Throws std::invalid_argument saying what is wrong with `text`.
Address parse_address(std::string_view text);

}  // namespace flowlens::statsd
