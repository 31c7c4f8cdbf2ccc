/* SPDX-License-Identifier: BSD-2-Clause */
// Where the Docker Engine API is: `unix:///path` or `tcp://host[:port]` (plain HTTP). Anything
// else (ssh://, npipe://, fd://, a context name) is refused when the instance is created.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowlens::discovery_docker {

struct DockerHost {
  enum class Kind { kUnix, kTcp };
  Kind kind = Kind::kUnix;
  std::string path;   // kUnix: the socket's path
  std::string host;   // kTcp: name or address (IPv6 without brackets)
  uint16_t port = 0;  // kTcp
  std::string uri;    // as configured, for messages
};

inline constexpr std::string_view kDefaultDockerHost = "unix:///var/run/docker.sock";
// The Engine's conventional plain-HTTP port, used when a tcp:// address names none.
inline constexpr uint16_t kDefaultTcpPort = 2375;

// Parses `uri`; throws std::invalid_argument saying what is wrong and what is accepted.
DockerHost parse_docker_host(std::string_view uri);

// The configured value, else $DOCKER_HOST (passed in: `env` is its value if set), else the
// default socket.
std::string choose_docker_host(const std::string& configured, std::optional<std::string> env);

}  // namespace flowlens::discovery_docker
