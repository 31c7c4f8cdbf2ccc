/* SPDX-License-Identifier: BSD-2-Clause */
// FlowLens configuration as plain data. Every member has a default, named below, so a value-
// initialised Config is the configuration of a host with an empty conf.d/. Parsing lives in the
// loaders (conf_dir_loader.h, original_config.h); nothing here reads files.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_error.h"
#include "flowlens.h"
#include "config/config_node.h"

namespace flowlens::config {

inline constexpr std::string_view kDefaultConfDir = "/etc/flowlens/conf.d";
inline constexpr std::string_view kDefaultInterface = "";  // the default-route interface
// The kernel program's own default and ceiling (bpf/flowlens.h), so the two cannot drift.
inline constexpr uint32_t kDefaultEbpfMapSize = FLOWLENS_DEFAULT_FLOW_ENTRIES;
inline constexpr uint32_t kMaxEbpfMapSize = FLOWLENS_MAX_FLOW_ENTRIES;
// Where our TC filters sit among other tools' on the hook (lower runs first); the loader's own.
inline constexpr uint32_t kDefaultTcPriority = FLOWLENS_DEFAULT_TC_PRIORITY;
inline constexpr uint32_t kMaxTcPriority = FLOWLENS_MAX_TC_PRIORITY;
// One estimate per second: leaves show up within seconds, and replay ticks at the same rate.
inline constexpr std::chrono::milliseconds kDefaultMetricsInterval{1000};
// How often polling discovery plugins rescan (Docker, Pterodactyl); static discovery ignores it.
inline constexpr std::chrono::milliseconds kDefaultDiscoveryInterval{30000};
// Bounds for both intervals: below 100 ms the batch read dominates, above a day is a typo.
inline constexpr std::chrono::milliseconds kMinInterval{100};
inline constexpr std::chrono::milliseconds kMaxInterval{86400000};
inline constexpr std::string_view kDefaultLogLevel = "info";
inline constexpr std::string_view kDefaultPluginDir = "/usr/lib/flowlens/plugins";
inline constexpr std::string_view kDefaultPinDir = FLOWLENS_PIN_DIR;
inline constexpr bool kDefaultPluginEnabled = true;
// Stay the user that started flowlensd (root under the shipped unit), so an upgrade changes
// nothing until the operator names a user.
inline constexpr std::string_view kDefaultUser = "";

// The accepted log_level values, spdlog's names ("warning" is read as "warn").
inline constexpr std::string_view kLogLevels[] = {"trace", "debug",    "info", "warn",
                                                  "error", "critical", "off"};

struct CoreConfig {
  // Interface to attach the TC programs to; empty picks the one carrying the default route.
  std::string interface = std::string(kDefaultInterface);
  // Capacity of the kernel flow map (LRU: the oldest flows go first when it is full).
  uint32_t ebpf_map_size = kDefaultEbpfMapSize;
  // TC priority of our ingress and egress filters, 1..65535; lower runs before other tools'.
  uint32_t tc_priority = kDefaultTcPriority;
  // Estimator tick: how often the flow map is read and a snapshot published.
  std::chrono::milliseconds metrics_interval = kDefaultMetricsInterval;
  // Rescan period handed to polling discovery plugins.
  std::chrono::milliseconds discovery_interval = kDefaultDiscoveryInterval;
  // One of kLogLevels.
  std::string log_level = std::string(kDefaultLogLevel);
  // Where plugin .so files are looked up by plugin name.
  std::string plugin_dir = std::string(kDefaultPluginDir);
  // bpffs directory where the maps are pinned so a restart keeps the counts.
  std::string pin_dir = std::string(kDefaultPinDir);
  // The user to become once attached (keeping only the capabilities re-attaching needs); empty
  // stays. Must exist on the host when the configuration is loaded.
  std::string user = std::string(kDefaultUser);
};

struct PluginInstanceConfig {
  // The key under `plugins:`; names the instance in logs and errors. Unique.
  std::string name;
  // Which plugin to load: the plugin's name, e.g. "discovery-static".
  std::string plugin;
  // `enabled: false` keeps an instance configured but not loaded (a later file can switch off a
  // shipped one).
  bool enabled = kDefaultPluginEnabled;
  // The instance's `config:` section as JSON text, handed unchanged to the plugin's create().
  std::string config_json = "{}";
  // The same section with positions, so a plugin's error "servers[2].id: ..." can be pinned to
  // file:line:column (see locate()).
  ConfigNode config_node;
  // Where the instance was declared (its key under `plugins:`).
  SourcePos pos;
};

struct Config {
  CoreConfig core;
  // The `estimator:` section, uninterpreted: the estimator owns its keys and defaults and parses
  // this object itself (core/estimator). Empty means all estimator defaults.
  boost::json::object estimator;
  // The same section with positions; estimator_config_from() (estimator_section.h) applies it
  // with file:line:column in its errors.
  ConfigNode estimator_node;
  // Where the estimator section starts, for prefixing errors about the section as a whole.
  SourcePos estimator_pos;
  // In the order their names first appear across the files; start in this order, stop reversed.
  std::vector<PluginInstanceConfig> plugins;
  // From an original config.yaml only: its player_activity_threshold (seconds),
  // min_packets_threshold and min_bytes_threshold as written, for logging. Not applied: the
  // estimator's own defaults replace them (original_config.h says why).
  boost::json::object original_thresholds;
  // The files that were read, in merge order.
  std::vector<std::string> files;
  // Things the operator should know that are not errors (e.g. how an original config.yaml was
  // mapped, an empty conf.d/). The daemon logs each once at warn.
  std::vector<std::string> warnings;
};

}  // namespace flowlens::config
