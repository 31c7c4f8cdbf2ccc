/* SPDX-License-Identifier: BSD-2-Clause */
// The configured plugin instances of a running daemon: loaded, created and started in config
// order, each sink with its own delivery thread, stopped in reverse order; a live reload starts
// and stops single instances from the one control thread of the moment. health() and
// post_event() may be called from plugin threads while the control thread starts or stops the
// set, so the list is guarded; no plugin callback runs under that lock (a stopping sink may be
// waiting for its own thread to finish a health() call).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/plugin_roles.h"
#include "daemon/health.h"
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

  // Starts one instance, as start_all does each. A failure replaces any earlier entry of that name
  // in the failed list. Returns whether it runs.
  bool start(const config::PluginInstanceConfig& cfg, const std::filesystem::path& plugin_dir);
  // Stops one running instance (sink delivery first) and forgets a failed entry of that name.
  // With `withdraw`, a discovery instance's servers leave the registry: it is gone for good, not
  // about to be started again with a new section. Returns whether it was running.
  bool stop(const std::string& name, bool withdraw);
  // Puts the running instances in this order (the configuration's, after a reload); names not
  // listed keep their place after the listed ones.
  void order_as(const std::vector<std::string>& names);
  // The configuration a running instance was started with; nothing when it does not run.
  std::optional<config::PluginInstanceConfig> section(const std::string& name) const;
  // Names of the running instances that are discovery plugins, in start order.
  std::vector<std::string> discovery_instances() const;

  // Has every running instance not named in `except` re-read the files it read at start (the
  // plugin's reopen, ABI 1.4), in start order. A failure is logged with the instance's name and
  // the plugin's message; the instance goes on with what it had. Returns the names of those that
  // re-read theirs (instances without reopen are left out). From the thread that starts and
  // stops instances (the reload thread), so none goes away during its call.
  std::vector<std::string> reopen(const std::set<std::string>& except);

  // Never blocks: each sink's runner keeps only the latest snapshot and a bounded event queue.
  void post_snapshot(const model::SnapshotPtr& snapshot);
  void post_event(const plugin_host::Event& event);

  // Logs one warning per sink whose event queue dropped events since the last call; the daemon
  // calls it once per tick, so a sink that keeps losing events is named once a tick at most.
  void warn_event_drops();

  // Sinks' delivery threads first, then every instance, last started first.
  void stop_all() noexcept;

  // Every running instance in start order, with its sink's delivery counters, then every
  // instance that failed to start (state "failed", with its error).
  std::vector<InstanceHealth> health() const;
  size_t running() const;
  // Running instances by role, leaving out those named in `except` (a reload about to stop or
  // replace them); the run command's stand-ins are the caller's to fill in.
  config::PluginRoles roles(const std::set<std::string>& except = {}) const;

 private:
  struct Running {
    std::unique_ptr<plugin_host::PluginInstance> instance;
    std::unique_ptr<plugin_host::SinkRunner> runner;  // sinks only
    uint64_t drops_reported = 0;                      // events_dropped at the last warning
    config::PluginInstanceConfig section;             // what it was started with
  };

  // Stops them, last first: every sink's delivery thread, then every instance.
  static void stop_running(std::vector<Running>& stopping) noexcept;

  plugin_host::HostServices& services_;
  mutable std::mutex mutex_;  // guards instances_ and failed_ (the lists, not the instances)
  std::vector<Running> instances_;
  // Instances that could not load, be created or start, so /health and /metrics show them as
  // failed rather than leave them out. `error` holds why.
  std::vector<InstanceHealth> failed_;
};

}  // namespace flowlens::daemon
