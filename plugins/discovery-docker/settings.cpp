#include "settings.h"

#include <cmath>
#include <stdexcept>

namespace flowlens::discovery_docker {
namespace {

// The SDK's Config is gaining typed readers (string maps, durations); until every host ships
// them these helpers use them when present and read the raw object otherwise.
template <class C>
std::map<std::string, std::string> string_map(const C& config, std::string_view key) {
  if constexpr (requires { config.get_string_map(key); }) {
    return config.get_string_map(key);
  } else {
    std::map<std::string, std::string> out;
    const boost::json::value* v = config.object().if_contains(key);
    if (v == nullptr || v->is_null()) return out;
    if (!v->is_object())
      throw sdk::ConfigError(std::string(key) + ": expected a map of name: value");
    for (const auto& [k, val] : v->get_object()) {
      if (val.is_string()) {
        out.emplace(std::string(k), std::string(val.get_string()));
      } else if (val.is_number() || val.is_bool()) {
        out.emplace(std::string(k), boost::json::serialize(val));
      } else {
        throw sdk::ConfigError(std::string(key) + "." + std::string(k) + ": expected a string");
      }
    }
    return out;
  }
}

template <class C>
std::chrono::milliseconds duration(const C& config, std::string_view key,
                                   std::chrono::milliseconds fallback,
                                   std::chrono::milliseconds min, std::chrono::milliseconds max) {
  if constexpr (requires { config.get_duration(key, fallback, min, max); }) {
    return config.get_duration(key, fallback, min, max);
  } else {
    if (!config.has(key)) return fallback;
    const double seconds = config.get_double(key, 0);
    const auto ms = std::chrono::milliseconds(std::llround(seconds * 1000));
    if (!std::isfinite(seconds) || ms < min || ms > max) {
      throw sdk::ConfigError(std::string(key) + ": " + std::to_string(seconds) + " s is outside [" +
                             std::to_string(min.count() / 1000.0) + ", " +
                             std::to_string(max.count() / 1000.0) + "] s");
    }
    return ms;
  }
}

template <class H>
std::chrono::milliseconds host_interval(const H& host) {
  if constexpr (requires { host.discovery_interval(); }) {
    return std::chrono::milliseconds(host.discovery_interval());
  } else {
    return kDefaultInterval;
  }
}

template <class C>
[[noreturn]] void fail(const C& config, std::string_view key, const std::string& message) {
  if constexpr (requires { config.fail(key, message); }) {
    config.fail(key, message);
  } else {
    throw sdk::ConfigError(std::string(key) + ": " + message);
  }
}

}  // namespace

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
    fail(config, "docker_host",
         std::string(e.what()) + (configured.empty() ? " (from $DOCKER_HOST)" : ""));
  }
  s.mapper.labels = string_map(config, "labels");
  try {
    s.mapper.id_source = parse_id_source(config.get_string("server_id_source", "hostname"));
  } catch (const std::invalid_argument& e) {
    fail(config, "server_id_source", e.what());
  }
  s.mapper.port_env_var = config.get_string("port_env_var", "");
  s.interval =
      duration(config, "interval", std::clamp(host_interval(host), kMinInterval, kMaxInterval),
               kMinInterval, kMaxInterval);
  s.grace =
      duration(config, "grace_period", kDefaultGrace, std::chrono::milliseconds(0), kMaxGrace);
  return s;
}

}  // namespace flowlens::discovery_docker
