// The daemon's side of the plugin host API: discovery publishes into the registry (one source per
// instance), events fan out to every sink's queue, the latest snapshot is shared by pointer.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "plugin_host/host_services.h"
#include "registry/server_registry.h"

namespace flowlens::daemon {

class HostServicesImpl : public plugin_host::HostServices {
 public:
  using EventFn = std::function<void(const plugin_host::Event&)>;

  explicit HostServicesImpl(registry::ServerRegistry& registry) : registry_(registry) {}

  // Where emitted events go (the sink runners); set once before plugins start.
  void set_event_handler(EventFn fn);
  void publish_snapshot(model::SnapshotPtr snapshot);

  void log(const std::string& instance, plugin_host::LogLevel level,
           std::string_view message) override;
  void add_servers(const std::string& instance, std::vector<model::Server> servers) override;
  void remove_servers(const std::string& instance, std::vector<std::string> ids) override;
  void replace_servers(const std::string& instance, std::vector<model::Server> servers) override;
  void emit_event(const std::string& instance, plugin_host::Event event) override;
  model::SnapshotPtr latest_snapshot() override;

 private:
  registry::ServerRegistry& registry_;
  std::mutex mu_;  // guards latest_ and on_event_
  model::SnapshotPtr latest_;
  EventFn on_event_;
};

}  // namespace flowlens::daemon
