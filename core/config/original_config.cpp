// SPDX-License-Identifier: BSD-2-Clause
// Mapping of the original config.yaml:
//   interface, ebpf_map_size, metrics_interval, discovery_interval, log_level -> core
//   player_activity_threshold, min_packets_threshold, min_bytes_threshold    -> checked, kept in
//                                  Config::original_thresholds, not applied (original_config.h)
//   server_addr, api_key        -> instance "api" (sink-jsonapi): listen, api_key or auth: none
//                                  (addresses pass unchanged: the sinks read Go's ":8080" as
//                                  "every address, both families", as the original did)
//   prometheus_addr             -> instance "prometheus" (sink-prometheus) when not empty
//   docker_labels, server_id_source, port_env_var -> instance "docker" (discovery-docker); the
//   original always discovered Docker containers, so the instance always exists.
// Durations use Go's syntax ("30s", "5m"), as the original's time.Duration fields did.
#include "config/original_config.h"

#include <boost/json.hpp>

#include <array>
#include <cmath>

#include "config/config_schema.h"
#include "config/loaders.h"
#include "config/value_reader.h"

namespace flowlens::config::original {

namespace {

constexpr std::array<std::string_view, 14> kOriginalKeys = {"interface",
                                                            "ebpf_map_size",
                                                            "discovery_interval",
                                                            "metrics_interval",
                                                            "player_activity_threshold",
                                                            "min_packets_threshold",
                                                            "min_bytes_threshold",
                                                            "server_addr",
                                                            "api_key",
                                                            "prometheus_addr",
                                                            "log_level",
                                                            "docker_labels",
                                                            "server_id_source",
                                                            "port_env_var"};
constexpr std::array<std::string_view, 3> kConfDKeys = {"core", "estimator", "plugins"};

ConfigNode text(const std::string& s, const SourcePos& pos) {
  return ConfigNode::scalar(s, true, pos);
}

ConfigNode list_of(const std::string& s, const SourcePos& pos) {
  ConfigNode seq(ConfigNode::Kind::kSequence, pos);
  seq.push_back(text(s, pos));
  return seq;
}

// A Go duration (or a number of seconds, which is friendlier than Go's nanoseconds) as seconds.
bool read_go_duration(MapReader& r, std::string_view key, double& seconds) {
  const ConfigNode* v = r.take(key);
  if (!v) return false;
  if (v->is_scalar()) {
    if (auto d = parse_duration(v->text()); d && d->count() > 0) {
      seconds = static_cast<double>(d->count()) / 1e9;
      return true;
    }
  }
  r.error(*v, key, "expected a duration such as 30s, 5m or 1h30m, got " + describe(*v));
  return false;
}

void add_instance(Config& cfg, std::string_view name, std::string_view plugin, ConfigNode node,
                  const SourcePos& pos) {
  PluginInstanceConfig inst;
  inst.name = std::string(name);
  inst.plugin = std::string(plugin);
  inst.config_json = boost::json::serialize(to_json(node));
  inst.config_node = std::move(node);
  inst.pos = pos;
  cfg.plugins.push_back(std::move(inst));
}

}  // namespace

bool looks_original(const ConfigNode& root) {
  if (!root.is_map()) return false;
  const ConfigNode::Entry* original = nullptr;
  const ConfigNode::Entry* confd = nullptr;
  for (const auto& e : root.entries()) {
    auto in = [&](const auto& keys) {
      return std::find(keys.begin(), keys.end(), e.key) != keys.end();
    };
    if (!original && in(kOriginalKeys)) original = &e;
    if (!confd && in(kConfDKeys)) confd = &e;
  }
  if (original && confd)
    throw ConfigError(original->key_pos.to_string() + ": " + original->key +
                      ": original config.yaml key in a conf.d-style file (which has '" +
                      confd->key + "' at " + confd->key_pos.to_string() +
                      "); use one format per file");
  return original != nullptr;
}

Config map_original(const ConfigNode& root) {
  Diagnostics diag;
  Config cfg;
  MapReader r(root, "", diag);
  const SourcePos file_pos{root.pos().file, 0, 0};

  if (r.read_string("interface", cfg.core.interface) &&
      !is_valid_interface_name(cfg.core.interface)) {
    const ConfigNode& v = *r.find("interface");
    r.error(v, "interface", std::string(kInterfaceNameExpected) + ", got " + describe(v));
    cfg.core.interface = std::string(kDefaultInterface);
  }
  uint64_t map_size = cfg.core.ebpf_map_size;
  if (r.read_uint("ebpf_map_size", 1, kMaxEbpfMapSize, map_size))
    cfg.core.ebpf_map_size = static_cast<uint32_t>(map_size);
  double seconds = 0;
  // The same bounds as conf.d: a 1ns tick would spin the daemon and flood the log.
  for (auto [key, out] : {std::pair{"metrics_interval", &cfg.core.metrics_interval},
                          std::pair{"discovery_interval", &cfg.core.discovery_interval}}) {
    const ConfigNode* node = r.find(key);
    if (!read_go_duration(r, key, seconds)) continue;
    const auto ms = std::chrono::milliseconds(std::llround(seconds * 1000));
    if (ms < kMinInterval || ms > kMaxInterval) {
      r.error(*node, key,
              "expected a duration from 100ms to 24h, got " + describe(*node) +
                  " (a shorter tick spins the CPU; a longer one is a typo)");
      continue;
    }
    *out = ms;
  }
  std::string level;
  if (r.read_string("log_level", level)) {
    if (level == "warning") level = "warn";
    if (std::find(std::begin(kLogLevels), std::end(kLogLevels), level) == std::end(kLogLevels))
      r.error(*r.take("log_level"), "log_level",
              "expected one of debug, info, warn, error, got '" + level + "'");
    else
      cfg.core.log_level = level;
  }

  // Read strictly (a typo is still an error), kept for the log, not applied: see
  // kThresholdKeys.
  std::string ignored;
  if (read_go_duration(r, "player_activity_threshold", seconds)) {
    cfg.original_thresholds["player_activity_threshold"] = seconds;
    ignored += "player_activity_threshold";
  }
  uint64_t count = 0;
  for (const char* key : {"min_packets_threshold", "min_bytes_threshold"}) {
    if (!r.read_uint(key, 0, UINT64_MAX >> 1, count)) continue;
    cfg.original_thresholds[key] = count;
    ignored += (ignored.empty() ? "" : ", ") + std::string(key);
  }
  if (!ignored.empty())
    cfg.warnings.push_back(
        file_pos.to_string() + ": " + ignored +
        ": accepted but not applied; the estimator decides from sessions, not from lifetime "
        "packet/byte totals, and its defaults need no tuning (its own keys go under "
        "`estimator:` in conf.d)");
  cfg.estimator_pos = file_pos;

  // JSON API.
  std::string server_addr(kDefaultServerAddr), api_key;
  r.read_string("server_addr", server_addr);
  r.read_string("api_key", api_key);
  const ConfigNode* addr_node = r.take("server_addr");
  const SourcePos& addr_pos = addr_node ? addr_node->pos() : file_pos;
  ConfigNode api(ConfigNode::Kind::kMap, addr_pos);
  api.set("listen", addr_pos, list_of(server_addr, addr_pos));
  if (!api_key.empty()) {
    api.set("api_key", r.take("api_key")->pos(), text(api_key, r.take("api_key")->pos()));
  } else {
    // The original served the API without a key; keep that working, but say it.
    api.set("auth", addr_pos, text("none", addr_pos));
    cfg.warnings.push_back(addr_pos.to_string() + ": no api_key: the JSON API on " + server_addr +
                           " answers without authentication, as the original did; set "
                           "api_key to require a bearer token");
  }
  add_instance(cfg, kApiInstance, kApiPlugin, std::move(api), addr_pos);

  std::string prometheus_addr;
  if (r.read_string("prometheus_addr", prometheus_addr) && !prometheus_addr.empty()) {
    const SourcePos& pos = r.take("prometheus_addr")->pos();
    ConfigNode prom(ConfigNode::Kind::kMap, pos);
    prom.set("listen", pos, list_of(prometheus_addr, pos));
    add_instance(cfg, kPrometheusInstance, kPrometheusPlugin, std::move(prom), pos);
  }

  // Docker discovery.
  ConfigNode docker(ConfigNode::Kind::kMap, file_pos);
  std::map<std::string, std::string> labels;
  if (r.read_string_map("docker_labels", labels)) {
    const ConfigNode& src = *r.take("docker_labels");
    ConfigNode node(ConfigNode::Kind::kMap, src.pos());
    for (const auto& e : src.entries())
      node.set(e.key, e.key_pos, text(e.value.text(), e.value.pos()));
    docker.set("labels", src.pos(), std::move(node));
  }
  for (std::string_view key : {"server_id_source", "port_env_var"}) {
    std::string value;
    if (r.read_string(key, value) && !value.empty())
      docker.set(std::string(key), r.take(key)->pos(), text(value, r.take(key)->pos()));
  }
  add_instance(cfg, kDockerInstance, kDockerPlugin, std::move(docker), file_pos);

  r.finish();
  diag.throw_if_any();

  std::string mapped;
  for (const auto& p : cfg.plugins)
    mapped += (mapped.empty() ? "" : ", ") + p.name + " (" + p.plugin + ")";
  cfg.warnings.push_back(file_pos.to_string() +
                         ": original FlowLens config.yaml format; mapped onto core and plugin "
                         "instances " +
                         mapped);
  return cfg;
}

}  // namespace flowlens::config::original

namespace flowlens::config {

Config load_original(const std::filesystem::path& file) {
  ConfigNode root = load_yaml_file(file);
  if (!root.is_map() && !root.is_null())
    throw ConfigError(root.pos().to_string() + ": expected a map of settings, got " +
                      std::string(root.kind_name()));
  Config cfg = original::map_original(root);
  cfg.files.push_back(file.string());
  return cfg;
}

bool is_original_format(const std::filesystem::path& file) {
  return original::looks_original(load_yaml_file(file));
}

Config load_config_file(const std::filesystem::path& file) {
  // Reading a directory as a file yields nothing: a valid, empty config that watches nothing.
  if (std::error_code ec; std::filesystem::is_directory(file, ec))
    throw ConfigError(file.string() +
                      ": is a directory; --config takes one file (use --conf-dir for a directory)");
  ConfigNode root = load_yaml_file(file);
  if (original::looks_original(root)) {
    Config cfg = original::map_original(root);
    cfg.files.push_back(file.string());
    return cfg;
  }
  return load_conf_files({file});
}

}  // namespace flowlens::config
