#include "daemon/health.h"

#include <boost/json.hpp>

#include <cmath>

namespace flowlens::daemon {

namespace {

namespace json = boost::json;

// Milliseconds are all a /health reader can use; more digits only make the text longer.
double rounded(double seconds) {
  return std::round(seconds * 1000) / 1000;
}

json::object to_object(const InstanceHealth& p) {
  json::object o;
  o["instance"] = p.instance;
  o["plugin"] = p.plugin;
  o["version"] = p.version;
  o["kind"] = p.kind;
  o["state"] = p.state;
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
  json::object o;
  o["version"] = health.version;
  o["uptime_seconds"] = rounded(health.uptime_seconds);
  o["bpf_attached"] = health.bpf_attached;
  o["interface"] = health.interface;
  o["last_tick_age_seconds"] = health.last_tick_age_seconds
                                   ? json::value(rounded(*health.last_tick_age_seconds))
                                   : json::value(nullptr);
  o["flows"] = health.flows;
  o["map_capacity"] = health.map_capacity;
  json::array plugins;
  plugins.reserve(health.plugins.size());
  for (const auto& p : health.plugins) plugins.push_back(to_object(p));
  o["plugins"] = std::move(plugins);
  return json::serialize(o);
}

}  // namespace flowlens::daemon
