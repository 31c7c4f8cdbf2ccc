/* SPDX-License-Identifier: BSD-2-Clause */
// The daemon's health as plugins read it through health_json (flowlens/plugin.h documents the
// fields): gathered by the Daemon and PluginSet, rendered here as one JSON object text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plugin_host/sink_runner.h"

namespace flowlens::daemon {

struct InstanceHealth {
  std::string instance;                        // name in the config
  std::string plugin;                          // descriptor name
  std::string version;                         // plugin version
  std::string kind;                            // "discovery", "sink" or "discovery+sink"
  std::string state;                           // plugin_host::to_string(InstanceState)
  std::optional<plugin_host::SinkStats> sink;  // sinks only
  std::string error;                           // why it failed; "" unless state is "failed"
  std::string status;                          // what the plugin says of itself; "" if nothing
  std::string detail;                          // the sentence beside status
};

struct DaemonHealth {
  std::string version;
  double uptime_seconds = 0;
  bool bpf_attached = false;
  std::string interface;
  std::optional<double> last_tick_age_seconds;  // none before the first tick
  std::optional<double> tick_duration_seconds;  // how long the last tick took; none before it
  uint64_t flows = 0;
  uint32_t map_capacity = 0;
  uint32_t one_packet_flows = 0;    // new flows seen once in the last tick (a flood if many)
  uint32_t probation_capacity = 0;  // the most one_packet_flows can be
  std::vector<InstanceHealth> plugins;
};

std::string to_json(const DaemonHealth& health);

}  // namespace flowlens::daemon
