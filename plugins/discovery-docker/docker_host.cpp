// SPDX-License-Identifier: BSD-2-Clause
#include "docker_host.h"

#include <charconv>
#include <stdexcept>

namespace flowlens::discovery_docker {
namespace {

[[noreturn]] void refuse(std::string_view uri, const std::string& why) {
  throw std::invalid_argument("'" + std::string(uri) + "': " + why +
                              " (supported: unix:///path/to/docker.sock, tcp://host[:port])");
}

constexpr std::string_view kUnixScheme = "unix://";
constexpr std::string_view kTcpScheme = "tcp://";

}  // namespace

DockerHost parse_docker_host(std::string_view uri) {
  DockerHost out;
  out.uri = std::string(uri);
  if (uri.starts_with(kUnixScheme)) {
    out.kind = DockerHost::Kind::kUnix;
    out.path = std::string(uri.substr(kUnixScheme.size()));
    if (out.path.empty() || out.path.front() != '/')
      refuse(uri, "the socket path must be absolute");
    return out;
  }
  if (!uri.starts_with(kTcpScheme)) {
    const size_t scheme_end = uri.find("://");
    if (scheme_end == std::string_view::npos) refuse(uri, "no scheme");
    refuse(uri, "scheme '" + std::string(uri.substr(0, scheme_end)) + "' is not supported");
  }
  out.kind = DockerHost::Kind::kTcp;
  std::string_view rest = uri.substr(kTcpScheme.size());
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    if (rest.substr(slash) != "/") refuse(uri, "a path after the address is not supported");
    rest = rest.substr(0, slash);
  }
  std::string_view port_text;
  if (rest.starts_with('[')) {  // [v6]:port
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) refuse(uri, "unclosed '['");
    out.host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') refuse(uri, "expected ':' after ']'");
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = rest.rfind(':');
    if (colon != std::string_view::npos && rest.find(':') != colon) {
      refuse(uri, "an IPv6 address needs brackets: tcp://[::1]:2375");
    }
    out.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (out.host.empty()) refuse(uri, "no host");
  out.port = kDefaultTcpPort;
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535) {
      refuse(uri, "port '" + std::string(port_text) + "' is not in 1-65535");
    }
    out.port = static_cast<uint16_t>(value);
  }
  return out;
}

std::string choose_docker_host(const std::string& configured, std::optional<std::string> env) {
  if (!configured.empty()) return configured;
  if (env && !env->empty()) return *env;
  return std::string(kDefaultDockerHost);
}

}  // namespace flowlens::discovery_docker
