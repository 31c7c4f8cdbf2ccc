/* SPDX-License-Identifier: BSD-2-Clause */
// The daemon's side of the plugin host API: discovery publishes into the registry (one source per
// instance), events fan out to every sink's queue, the latest snapshot is shared by pointer.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "plugin_host/host_services.h"
#include "registry/server_registry.h"

namespace flowlens::daemon {

class HostServicesImpl : public plugin_host::HostServices {
 public:
  using EventFn = std::function<void(const plugin_host::Event&)>;
  // Builds the health text; called from plugin threads, so it must be thread-safe.
  using HealthFn = std::function<std::string()>;

  // Told after a plugin changed the registry; called on the plugin's thread, so it must be
  // thread-safe and quick (the daemon posts the work to its own loop).
  using ChangeFn = std::function<void()>;

  explicit HostServicesImpl(
      registry::ServerRegistry& registry,
      std::chrono::milliseconds discovery_interval = kDefaultDiscoveryInterval)
      : registry_(registry), discovery_interval_ms_(discovery_interval.count()) {}

  // Where emitted events go (the sink runners); set once before plugins start.
  void set_event_handler(EventFn fn);
  // What health_json answers; set once before plugins start. Until then it answers "{}".
  void set_health_provider(HealthFn fn);
  void publish_snapshot(model::SnapshotPtr snapshot);
  // What runs after each registry change by a plugin; set once before plugins start.
  void set_registry_listener(ChangeFn fn);

  void log(const std::string& instance, plugin_host::LogLevel level,
           std::string_view message) override;
  void add_servers(const std::string& instance, std::vector<model::Server> servers) override;
  void remove_servers(const std::string& instance, std::vector<std::string> ids) override;
  void replace_servers(const std::string& instance, std::vector<model::Server> servers) override;
  void emit_event(const std::string& instance, plugin_host::Event event) override;
  model::SnapshotPtr latest_snapshot() override;
  std::string health_json() override;
  std::chrono::milliseconds discovery_interval() const override {
    return std::chrono::milliseconds(discovery_interval_ms_.load());
  }
  // A reload's new core.discovery_interval: instances created from now on get it.
  void set_discovery_interval(std::chrono::milliseconds interval) {
    discovery_interval_ms_.store(interval.count());
  }
  void set_status(const std::string& instance, std::string status, std::string detail) override;
  // Logged once per instance; the first message is what the health shows.
  void report_failure(const std::string& instance, std::string message) override;
  void forget(const std::string& instance) override;

  // While held, what `instance` publishes is dropped. A reload holds an instance it stops only to
  // start it again with a new section: a plugin that withdraws its servers as it stops (as
  // discovery-static does) would otherwise make the estimator forget them and warm them up
  // again; its successor publishes its own list instead.
  void hold_servers(const std::string& instance, bool hold);

  struct Status {
    std::string status;
    std::string detail;
    std::string failure;  // report_failure's first message; "" while it has not failed
  };
  // What each instance last said about itself; for the health.
  std::map<std::string, Status> statuses() const;

 private:
  void registry_changed();
  bool held(const std::string& instance);

  registry::ServerRegistry& registry_;
  std::atomic<int64_t> discovery_interval_ms_;
  ChangeFn on_registry_change_;
  mutable std::mutex status_mu_;  // guards statuses_ (apart from mu_: read from health)
  std::map<std::string, Status> statuses_;
  std::mutex mu_;  // guards latest_, on_event_, health_, on_registry_change_ and held_
  std::set<std::string> held_;
  model::SnapshotPtr latest_;
  EventFn on_event_;
  HealthFn health_;
};

}  // namespace flowlens::daemon
