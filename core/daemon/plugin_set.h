// The configured plugin instances of a running daemon: loaded, created and started in config
// order, each sink with its own delivery thread, stopped in reverse order.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "config/config.h"
#include "plugin_host/plugin_instance.h"
#include "plugin_host/sink_runner.h"

namespace flowlens::daemon {

class PluginSet {
 public:
  explicit PluginSet(plugin_host::HostServices& services) : services_(services) {}
  ~PluginSet() { stop_all(); }
  PluginSet(const PluginSet&) = delete;
  PluginSet& operator=(const PluginSet&) = delete;

  // Starts every instance. One that fails to load, create or start is logged with the instance's
  // name and the plugin's own message and left out: the others, and the estimator, still run.
  // Returns how many failed.
  size_t start_all(const std::vector<config::PluginInstanceConfig>& instances,
                   const std::filesystem::path& plugin_dir);

  // Never blocks: each sink's runner keeps only the latest snapshot and a bounded event queue.
  void post_snapshot(const model::SnapshotPtr& snapshot);
  void post_event(const plugin_host::Event& event);

  // Sinks' delivery threads first, then every instance, last started first.
  void stop_all() noexcept;

  size_t running() const { return instances_.size(); }

 private:
  struct Running {
    std::unique_ptr<plugin_host::PluginInstance> instance;
    std::unique_ptr<plugin_host::SinkRunner> runner;  // sinks only
  };

  plugin_host::HostServices& services_;
  std::vector<Running> instances_;
};

}  // namespace flowlens::daemon
