/* SPDX-License-Identifier: BSD-2-Clause */
// The Prometheus text exposition, built with prometheus-cpp's registry and text serializer.
// Two parts, concatenated per scrape: the servers' families (rendered once per snapshot) and the
// daemon's health families (rendered per scrape, so ages are current). No family is in both.
#pragma once

#include "config.h"
#include "connection_stats.h"

#include <boost/json/object.hpp>
#include <flowlens/sdk/host.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace flowlens::prometheus_sink {

// Per server: flowlens_active_players, flowlens_unique_ips and flowlens_total_bytes for known
// servers only (unknown is absent, never 0), flowlens_server_known (1/0),
// flowlens_server_info (1, with name and the allow-listed labels) and
// flowlens_server_max_players (from the capacity label, when the server has one); for the node:
// flowlens_node_active_players (known servers), flowlens_node_unknown_servers,
// flowlens_node_servers. Every series carries the node label when one is configured.
std::string render_servers(const sdk::Snapshot& snapshot, const SeriesConfig& series);

struct HealthInputs {
  // The host's health_json object (fields in flowlens/plugin.h); empty when the host has none.
  const boost::json::object& host;
  // The wall clock of the snapshot this sink holds, for the tick age when the host does not say.
  std::optional<int64_t> snapshot_unix_ms;
  std::chrono::system_clock::time_point now;
  std::string plugin_version;
  // SeriesConfig::node: "" for none.
  std::string node;
  // This sink's own HTTP server.
  http::ConnectionStats connections;
};

// The daemon's own health: build info, BPF attached, flows and map capacity, tick age and
// duration, each plugin's info and state, each sink's delivery counters (as _total).
std::string render_health(const HealthInputs& in);

// Content-Type of the text format, version 0.0.4.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace flowlens::prometheus_sink
