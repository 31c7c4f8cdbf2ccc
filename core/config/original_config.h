/* SPDX-License-Identifier: BSD-2-Clause */
// The original FlowLens config.yaml: its keys and where each one lands in a Config. Kept in one
// place so the plugin and estimator owners can see which of their keys this mapping writes.
#pragma once

#include <string_view>

#include "config/config.h"
#include "config/config_node.h"

namespace flowlens::config::original {

// The original's thresholds. They tuned a different algorithm (lifetime packet and byte totals,
// "seen in the last 5 minutes"); applied to the session-based estimator as they are they would
// bring back what it fixes (5-minute lag after a leave, crawlers counted as players). They are
// accepted, checked for type, kept in Config::original_thresholds, and not applied.
inline constexpr std::string_view kThresholdKeys[] = {
    "player_activity_threshold", "min_packets_threshold", "min_bytes_threshold"};

// Instances the mapping creates, with the plugin each needs.
inline constexpr std::string_view kApiInstance = "api";
inline constexpr std::string_view kApiPlugin = "sink-jsonapi";
inline constexpr std::string_view kPrometheusInstance = "prometheus";
inline constexpr std::string_view kPrometheusPlugin = "sink-prometheus";
inline constexpr std::string_view kDockerInstance = "docker";
inline constexpr std::string_view kDockerPlugin = "discovery-docker";
// The original always served its JSON API, on all interfaces unless server_addr said otherwise.
inline constexpr std::string_view kDefaultServerAddr = ":8080";

// True when the top-level keys are the original's; false for conf.d/ files (core, estimator,
// plugins) and empty files. Throws ConfigError when a file mixes both.
bool looks_original(const ConfigNode& root);

// Maps an original config (already parsed) onto a Config. Throws ConfigError.
Config map_original(const ConfigNode& root);

}  // namespace flowlens::config::original
