// SPDX-License-Identifier: BSD-2-Clause
#include "config.h"

#include "metric_name.h"

#include <flowlens/sdk/config.hpp>

#include <stdexcept>

namespace flowlens::statsd {

Config parse_config(const sdk::Config& section) {
  section.allow_only({"address", "protocol", "prefix", "tags", "labels", "max_packet_bytes",
                      "resolve_interval", "timeout"});
  Config c;
  try {
    c.address = parse_address(section.get_string("address", std::string(kDefaultAddress)));
  } catch (const std::invalid_argument& e) {
    section.fail("address", e.what());
  }
  c.protocol = section.get_enum("protocol", "udp", {"udp", "tcp"}) == "tcp" ? Protocol::kTcp
                                                                            : Protocol::kUdp;

  c.lines.prefix = section.get_string("prefix", std::string(kDefaultPrefix));
  if (const std::string problem = prefix_problem(c.lines.prefix); !problem.empty()) {
    section.fail("prefix", "'" + c.lines.prefix + "' " + problem);
  }
  const std::string tags =
      section.get_enum("tags", "none", {"none", "dogstatsd", "influxdb", "graphite"});
  c.lines.dialect = tags == "dogstatsd"  ? TagDialect::kDogStatsd
                    : tags == "influxdb" ? TagDialect::kInflux
                    : tags == "graphite" ? TagDialect::kGraphite
                                         : TagDialect::kNone;
  if (section.has("labels")) {
    const std::vector<std::string> labels = section.get_string_list("labels", {});
    c.lines.labels.emplace(labels.begin(), labels.end());
  }
  c.max_packet_bytes = static_cast<std::size_t>(
      section.get_int("max_packet_bytes", kDefaultMaxPacketBytes, kMinPacketBytes, kMaxUdpPayload));
  c.resolve_interval = section.get_duration("resolve_interval", kDefaultResolveInterval,
                                            kMinResolveInterval, kMaxResolveInterval);
  c.timeout = section.get_duration("timeout", kDefaultTimeout, kMinTimeout, kMaxTimeout);
  return c;
}

}  // namespace flowlens::statsd
