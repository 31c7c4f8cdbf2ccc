// SPDX-License-Identifier: BSD-2-Clause
// C++ face of the host API (flowlens/plugin.h): value types for servers, snapshots and events,
// and Host, which converts them to the C views and throws sdk::Error when the host refuses.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flowlens/plugin.h"

namespace flowlens::sdk {

enum class LogLevel : int32_t {
  kTrace = FLOWLENS_LOG_TRACE,
  kDebug = FLOWLENS_LOG_DEBUG,
  kInfo = FLOWLENS_LOG_INFO,
  kWarn = FLOWLENS_LOG_WARN,
  kError = FLOWLENS_LOG_ERROR,
};

enum class Proto : uint8_t { kTcp = FLOWLENS_PROTO_TCP, kUdp = FLOWLENS_PROTO_UDP };

struct Endpoint {
  uint16_t port = 0;
  Proto proto = Proto::kUdp;
};

struct Server {
  std::string id;
  std::string name;  // empty means "same as id"
  std::vector<Endpoint> endpoints;
  std::map<std::string, std::string> labels;
};

struct ServerEstimate {
  std::string server_id;
  // The display name from discovery; the id when discovery gave none or the host is older than 1.2.
  std::string name;
  // False until the host says otherwise: an estimate nobody filled in is unknown, never 0 players.
  bool known = false;
  std::string unknown_reason;
  uint32_t active_players = 0;
  std::vector<std::string> unique_ips;
  double sample_window_seconds = 0;
  uint64_t total_bytes = 0;
  // The server's labels from discovery (ABI 1.2; empty from an older host).
  std::map<std::string, std::string> labels;
};

struct Snapshot {
  int64_t timestamp_unix_ms = 0;
  uint64_t monotonic_ns = 0;
  std::vector<ServerEstimate> servers;
};
using SnapshotPtr = std::shared_ptr<const Snapshot>;

struct Event {
  uint32_t kind = FLOWLENS_EVENT_CUSTOM;
  std::string message;
  std::string server_id;  // empty: about no server
  double value = 0;
  int64_t timestamp_unix_ms = 0;
  std::string source;  // set by the host on delivery
};

// Thrown by plugin code to fail a call with a specific status; any other exception maps to
// FLOWLENS_ERR_FAILED. The trampolines turn both into status + message.
class Error : public std::runtime_error {
 public:
  Error(flowlens_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  flowlens_status status() const noexcept { return status_; }

 private:
  flowlens_status status_;
};

// A config value is missing, of the wrong type, or unknown: FLOWLENS_ERR_CONFIG.
class ConfigError : public Error {
 public:
  explicit ConfigError(const std::string& message) : Error(FLOWLENS_ERR_CONFIG, message) {}
};

// Copies a C snapshot view into owned C++ values, reading only fields the writer provided.
inline Snapshot to_snapshot(const flowlens_snapshot& view) {
  Snapshot out;
  out.timestamp_unix_ms = view.timestamp_unix_ms;
  out.monotonic_ns = view.monotonic_ns;
  if (view.server_count == 0 || view.servers == nullptr) return out;
  out.servers.reserve(view.server_count);
  for (size_t i = 0; i < view.server_count; ++i) {
    const auto* s = FLOWLENS_ARRAY_AT(flowlens_server_estimate, view.servers, i);
    ServerEstimate& e = out.servers.emplace_back();
    e.server_id = s->server_id ? s->server_id : "";
    e.known = s->known != 0;
    e.unknown_reason = s->unknown_reason ? s->unknown_reason : "";
    e.active_players = s->active_players;
    for (size_t k = 0; k < s->unique_ip_count && s->unique_ips; ++k) {
      e.unique_ips.emplace_back(s->unique_ips[k] ? s->unique_ips[k] : "");
    }
    e.sample_window_seconds = s->sample_window_seconds;
    e.total_bytes = s->total_bytes;
    if (FLOWLENS_HAS_FIELD(flowlens_server_estimate, s, name) && s->name) e.name = s->name;
    if (e.name.empty()) e.name = e.server_id;
    if (FLOWLENS_HAS_FIELD(flowlens_server_estimate, s, label_count) && s->labels) {
      for (size_t k = 0; k < s->label_count; ++k) {
        const auto* label = FLOWLENS_ARRAY_AT(flowlens_label, s->labels, k);
        if (label->key) e.labels[label->key] = label->value ? label->value : "";
      }
    }
  }
  return out;
}

inline Event to_event(const flowlens_event& view) {
  Event out;
  out.kind = view.kind;
  out.message = view.message ? view.message : "";
  out.server_id = view.server_id ? view.server_id : "";
  out.value = view.value;
  out.timestamp_unix_ms = view.timestamp_unix_ms;
  out.source = view.source ? view.source : "";
  return out;
}

// One instance's handle on the host. Cheap to copy; valid until the instance is destroyed.
// Every method is thread-safe because the host functions behind it are.
class Host {
 public:
  explicit Host(const flowlens_host_api* api) : api_(api) {}

  std::string_view instance_name() const { return api_->instance_name; }
  const flowlens_host_api* c_api() const { return api_; }

  void log(LogLevel level, const std::string& message) const noexcept {
    api_->log(api_->context, static_cast<int32_t>(level), message.c_str());
  }
  void debug(const std::string& message) const noexcept { log(LogLevel::kDebug, message); }
  void info(const std::string& message) const noexcept { log(LogLevel::kInfo, message); }
  void warn(const std::string& message) const noexcept { log(LogLevel::kWarn, message); }
  void error(const std::string& message) const noexcept { log(LogLevel::kError, message); }

  void add_servers(const std::vector<Server>& servers) const {
    ServerViews views(servers);
    call_host(api_->servers_add, "servers_add", views.servers.data(), views.servers.size());
  }
  void replace_servers(const std::vector<Server>& servers) const {
    ServerViews views(servers);
    call_host(api_->servers_replace_all, "servers_replace_all", views.servers.data(),
              views.servers.size());
  }
  void remove_servers(const std::vector<std::string>& ids) const {
    std::vector<const char*> ptrs;
    for (const auto& id : ids) ptrs.push_back(id.c_str());
    call_host(api_->servers_remove, "servers_remove", ptrs.data(), ptrs.size());
  }

  void emit(const Event& event) const {
    flowlens_event view{};
    view.struct_size = sizeof view;
    view.kind = event.kind;
    view.message = event.message.c_str();
    view.server_id = event.server_id.empty() ? nullptr : event.server_id.c_str();
    view.value = event.value;
    view.timestamp_unix_ms = event.timestamp_unix_ms;
    char error[FLOWLENS_ERROR_BUFFER_MIN] = {};
    flowlens_status st = api_->emit_event(api_->context, &view, error, sizeof error);
    if (st != FLOWLENS_OK) throw Error(st, std::string("emit_event: ") + error);
  }

  void emit(uint32_t kind, std::string message, std::string server_id = {},
            double value = 0) const {
    Event event;
    event.kind = kind;
    event.message = std::move(message);
    event.server_id = std::move(server_id);
    event.value = value;
    emit(event);
  }

  // A copy of the latest snapshot, or nullptr before the first tick.
  SnapshotPtr latest_snapshot() const {
    const flowlens_snapshot* view = api_->snapshot_acquire(api_->context);
    if (view == nullptr) return nullptr;
    // Release even if the copy throws: the host holds the view until we do.
    std::unique_ptr<const flowlens_snapshot, Releaser> hold(view, Releaser{api_});
    return std::make_shared<const Snapshot>(to_snapshot(*view));
  }

  // How often a polling discovery plugin rescans: the operator's core.discovery_interval (ABI
  // 1.2), or kDefaultDiscoveryInterval from an older host.
  std::chrono::milliseconds discovery_interval() const noexcept {
    if (FLOWLENS_HAS_FIELD(flowlens_host_api, api_, discovery_interval_ms) &&
        api_->discovery_interval_ms > 0)
      return std::chrono::milliseconds(api_->discovery_interval_ms);
    return kDefaultDiscoveryInterval;
  }
  // The interval an older host's daemon defaults to as well.
  static constexpr std::chrono::milliseconds kDefaultDiscoveryInterval{30'000};

  // What this instance reports about itself in the daemon's health ("degraded", "dockerd
  // unreachable: ..."; "ok" once it is back). Does nothing on a host older than ABI 1.2.
  void set_status(const std::string& status, const std::string& detail = {}) const noexcept {
    if (FLOWLENS_HAS_FIELD(flowlens_host_api, api_, set_status) && api_->set_status)
      api_->set_status(api_->context, status.c_str(), detail.c_str());
  }

  // This instance can no longer do its work (ABI 1.5): the host logs `message` once and shows the
  // instance as failed in its health. An older host gets the same through log and set_status.
  // sdk::Thread calls it; a plugin rarely needs to.
  void report_failure(const std::string& message) const noexcept {
    if (FLOWLENS_HAS_FIELD(flowlens_host_api, api_, report_failure) && api_->report_failure) {
      api_->report_failure(api_->context, message.c_str());
      return;
    }
    error(message);
    set_status("failed", message);
  }

  // True when the host offers health_json (ABI 1.1 and later).
  bool has_health_json() const noexcept {
    return FLOWLENS_HAS_FIELD(flowlens_host_api, api_, health_json) && api_->health_json;
  }

  // The daemon's health as a JSON object text (fields documented at health_json in plugin.h), or
  // "" when the host is older than ABI 1.1 or could not produce it.
  std::string health_json() const {
    if (!has_health_json()) return {};
    // Most health texts fit at once; a bigger one is retried at the length the host asked for.
    // The text can grow between calls (a plugin starts), hence a few attempts, never a loop
    // that a misbehaving host could keep going.
    std::string text(kHealthFirstGuess, '\0');
    for (int attempt = 0; attempt < kHealthAttempts; ++attempt) {
      const size_t needed = api_->health_json(api_->context, text.data(), text.size() + 1);
      if (needed <= text.size()) {
        text.resize(needed);
        return text;
      }
      if (needed > kHealthMaxBytes) return {};  // not a health text: refuse to allocate it
      text.assign(needed, '\0');
    }
    return {};
  }

 private:
  static constexpr size_t kHealthFirstGuess = 2048;
  static constexpr int kHealthAttempts = 4;
  static constexpr size_t kHealthMaxBytes = size_t{16} << 20;

  struct Releaser {
    const flowlens_host_api* api;
    void operator()(const flowlens_snapshot* s) const { api->snapshot_release(api->context, s); }
  };

  // C views over C++ servers; lives as long as the call that passes it.
  struct ServerViews {
    explicit ServerViews(const std::vector<Server>& in) {
      servers.reserve(in.size());
      endpoints.resize(in.size());
      labels.resize(in.size());
      for (size_t i = 0; i < in.size(); ++i) {
        for (const Endpoint& ep : in[i].endpoints) {
          endpoints[i].push_back(
              {sizeof(flowlens_endpoint), ep.port, static_cast<uint8_t>(ep.proto)});
        }
        for (const auto& [k, v] : in[i].labels) {
          labels[i].push_back({sizeof(flowlens_label), k.c_str(), v.c_str()});
        }
        flowlens_server s{};
        s.struct_size = sizeof s;
        s.id = in[i].id.c_str();
        s.name = in[i].name.empty() ? nullptr : in[i].name.c_str();
        s.endpoints = endpoints[i].empty() ? nullptr : endpoints[i].data();
        s.endpoint_count = endpoints[i].size();
        s.labels = labels[i].empty() ? nullptr : labels[i].data();
        s.label_count = labels[i].size();
        servers.push_back(s);
      }
    }
    std::vector<flowlens_server> servers;
    std::vector<std::vector<flowlens_endpoint>> endpoints;
    std::vector<std::vector<flowlens_label>> labels;
  };

  template <class Fn, class T>
  void call_host(Fn fn, const char* what, const T* items, size_t count) const {
    char error[FLOWLENS_ERROR_BUFFER_MIN] = {};
    flowlens_status st = fn(api_->context, items, count, error, sizeof error);
    if (st != FLOWLENS_OK) throw Error(st, std::string(what) + ": " + error);
  }

  const flowlens_host_api* api_;
};

}  // namespace flowlens::sdk
