/* SPDX-License-Identifier: BSD-2-Clause */
// sink-statsd configuration: a plain struct, every member defaulted from a named constant.
#pragma once

#include "address.h"
#include "lines.h"
#include "packer.h"

#include <chrono>
#include <cstddef>

namespace flowlens::sdk {
class Config;
}

namespace flowlens::statsd {

enum class Protocol { kUdp, kTcp };

// StatsD's own default port, on this host: the shipped file names it explicitly anyway.
inline constexpr std::string_view kDefaultAddress = "127.0.0.1:8125";
inline constexpr std::string_view kDefaultPrefix = "flowlens";
// A name is looked up again this often, so a StatsD that moved (a container, DNS failover) is
// followed without a restart; a send error asks for a lookup sooner.
inline constexpr std::chrono::milliseconds kDefaultResolveInterval{60'000};
// Below a second a lookup per push; above a day a moved StatsD is never followed.
inline constexpr std::chrono::milliseconds kMinResolveInterval{1'000};
inline constexpr std::chrono::milliseconds kMaxResolveInterval{24 * 3'600'000};
// TCP connect and send bound: the delivery thread never waits longer than this per push.
inline constexpr std::chrono::milliseconds kDefaultTimeout{1'000};
// Below 10 ms even loopback TCP connects can miss; above 30 s a push would overlap many ticks.
inline constexpr std::chrono::milliseconds kMinTimeout{10};
inline constexpr std::chrono::milliseconds kMaxTimeout{30'000};

struct Config {
  Address address = {"127.0.0.1", 8125};
  Protocol protocol = Protocol::kUdp;
  LineOptions lines;  // prefix, tag dialect, labels sent as tags
  std::size_t max_packet_bytes = kDefaultMaxPacketBytes;
  std::chrono::milliseconds resolve_interval = kDefaultResolveInterval;
  std::chrono::milliseconds timeout = kDefaultTimeout;
};

// Reads the instance's section; every error is an sdk::ConfigError naming the key.
Config parse_config(const sdk::Config& section);

}  // namespace flowlens::statsd
