/* SPDX-License-Identifier: BSD-2-Clause */
// discovery-docker's config section, validated in create (check-config runs it too).
//
//   docker_host: unix:///var/run/docker.sock   # else $DOCKER_HOST, else this
//   labels: {Service: Pterodactyl}             # all must match; {} selects every container
//   server_id_source: hostname                 # id | name | label:KEY | env:KEY
//   port_env_var: SERVER_PORT                  # else the published ports
//   interval: 30s                              # full re-list; default core.discovery_interval
//   grace_period: 30s                          # a dead container keeps its server this long
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <flowlens/plugin.hpp>

#include "docker_host.h"
#include "server_mapper.h"

namespace flowlens::discovery_docker {

inline constexpr std::chrono::milliseconds kDefaultInterval{30'000};
inline constexpr std::chrono::milliseconds kDefaultGrace{30'000};
// A re-list more often than this would be polling, which the event stream makes needless.
inline constexpr std::chrono::milliseconds kMinInterval{1'000};
inline constexpr std::chrono::milliseconds kMaxInterval{24 * 3600'000};
inline constexpr std::chrono::milliseconds kMaxGrace{3600'000};

struct Settings {
  DockerHost docker_host;
  MapperSettings mapper;
  std::chrono::milliseconds interval = kDefaultInterval;
  std::chrono::milliseconds grace = kDefaultGrace;
};

// `docker_host_env` is $DOCKER_HOST when set. Throws sdk::ConfigError naming the key.
Settings parse_settings(const sdk::Host& host, const sdk::Config& config,
                        std::optional<std::string> docker_host_env);

}  // namespace flowlens::discovery_docker
