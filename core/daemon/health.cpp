// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/health.h"

#include <boost/json.hpp>
#include <fmt/format.h>

namespace flowlens::daemon {

namespace {

namespace json = boost::json;

// Seconds with millisecond precision, written as plain decimals: Boost.JSON would write a double
// as "3.384E1", valid but hostile to the C plugins and shell scripts that read this text.
std::string seconds(double s) {
  return fmt::format("{:.3f}", s);
}

json::object to_object(const InstanceHealth& p) {
  json::object o;
  o["instance"] = p.instance;
  o["plugin"] = p.plugin;
  o["version"] = p.version;
  o["kind"] = p.kind;
  o["state"] = p.state;
  if (!p.error.empty()) o["error"] = p.error;
  if (!p.status.empty()) {
    o["status"] = p.status;
    o["detail"] = p.detail;
  }
  if (p.sink) {
    o["snapshots_delivered"] = p.sink->snapshots_delivered;
    o["snapshots_skipped"] = p.sink->snapshots_skipped;
    o["events_delivered"] = p.sink->events_delivered;
    o["events_dropped"] = p.sink->events_dropped;
    o["failures"] = p.sink->snapshot_failures + p.sink->event_failures;
  }
  return o;
}

}  // namespace

std::string to_json(const DaemonHealth& health) {
  json::array plugins;
  plugins.reserve(health.plugins.size());
  for (const auto& p : health.plugins) plugins.push_back(to_object(p));
  // Written by hand only for the two decimals; strings and the rest go through Boost.JSON.
  const auto text = [](const std::string& s) { return json::serialize(json::value(s)); };
  const auto optional_seconds = [](const std::optional<double>& s) {
    return s ? seconds(*s) : std::string("null");
  };
  return fmt::format(R"({{"version":{},"uptime_seconds":{},"bpf_attached":{},"interface":{},)"
                     R"("last_tick_age_seconds":{},"tick_duration_seconds":{},"flows":{},)"
                     R"("map_capacity":{},"one_packet_flows":{},"probation_capacity":{},)"
                     R"("plugins":{}}})",
                     text(health.version), seconds(health.uptime_seconds), health.bpf_attached,
                     text(health.interface), optional_seconds(health.last_tick_age_seconds),
                     optional_seconds(health.tick_duration_seconds), health.flows,
                     health.map_capacity, health.one_packet_flows, health.probation_capacity,
                     json::serialize(plugins));
}

}  // namespace flowlens::daemon
