// SPDX-License-Identifier: BSD-2-Clause
#include "settings.h"

#include <algorithm>
#include <stdexcept>

namespace flowlens::discovery_docker {

Settings parse_settings(const sdk::Host& host, const sdk::Config& config,
                        std::optional<std::string> docker_host_env) {
  config.allow_only(
      {"docker_host", "labels", "server_id_source", "port_env_var", "interval", "grace_period"});
  Settings s;
  const std::string configured = config.get_string("docker_host", "");
  const std::string uri = choose_docker_host(configured, std::move(docker_host_env));
  try {
    s.docker_host = parse_docker_host(uri);
  } catch (const std::invalid_argument& e) {
    config.fail("docker_host",
                std::string(e.what()) + (configured.empty() ? " (from $DOCKER_HOST)" : ""));
  }
  s.mapper.labels = config.get_string_map("labels");
  try {
    s.mapper.id_source = parse_id_source(config.get_string("server_id_source", "hostname"));
  } catch (const std::invalid_argument& e) {
    config.fail("server_id_source", e.what());
  }
  s.mapper.port_env_var = config.get_string("port_env_var", "");
  s.interval = config.get_duration(
      "interval", std::clamp(host.discovery_interval(), kMinInterval, kMaxInterval), kMinInterval,
      kMaxInterval);
  s.grace =
      config.get_duration("grace_period", kDefaultGrace, std::chrono::milliseconds(0), kMaxGrace);
  return s;
}

}  // namespace flowlens::discovery_docker
