// SPDX-License-Identifier: BSD-2-Clause
// `flowlensd run`'s live reload (SIGHUP): reads the configuration again from where the daemon
// started (conf.d/ or --config, then the command line's overrides), refuses it whole when
// anything in it is wrong, and otherwise changes only what changed: the instances whose section
// changed, was added or removed, the estimator's thresholds, the tick interval, the log level.
// Every running instance it did not start or restart is then asked to re-read the files it read
// at start (a renewed certificate), even when the configuration is refused: those files are not
// part of it. The kernel program and its maps are never touched. Runs on a thread of its own so
// that a plugin slow to stop or start never holds up a tick; what belongs to the loop is posted to
// it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "config/config.h"
#include "daemon/host_services_impl.h"
#include "daemon/plugin_set.h"
#include "daemon/reload_plan.h"
#include "daemon/run_options.h"
#include "estimator/estimator_config.h"

namespace flowlens::daemon {

// What a reload hands to the daemon's loop thread, applied there before the next tick.
struct LoopChanges {
  std::optional<estimator::EstimatorConfig> estimator;
  std::optional<std::chrono::milliseconds> metrics_interval;
};

class ConfigReload {
 public:
  // Posts the changes to the loop; called on the reload thread.
  using PostFn = std::function<void(LoopChanges)>;
  // Told true when a reload begins and false when it is over, applied or refused; the place a
  // service manager hears of it (RELOADING=1, then READY=1).
  using NotifyFn = std::function<void(bool reloading)>;

  // `running` is the configuration the daemon started with; `opts`, `plugins` and `services`
  // must outlive this object.
  ConfigReload(const RunOptions& opts, config::Config running, PluginSet& plugins,
               HostServicesImpl& services, PostFn post, NotifyFn notify);
  ~ConfigReload();
  ConfigReload(const ConfigReload&) = delete;
  ConfigReload& operator=(const ConfigReload&) = delete;

  // Asks for a reload. Thread-safe and never blocks (the signal handler calls it); requests
  // arriving during a reload are served by one more reload after it.
  void request();
  // Finishes a reload underway and joins the thread; the daemon calls it before its plugins stop.
  void stop();

 private:
  void run();
  void reload();
  // Returns why the configuration read cannot be applied (nothing when it can), with the plan.
  std::vector<std::string> prepare(const config::Config& next, ReloadPlan& plan,
                                   LoopChanges& loop) const;
  // Returns, by instance name, what happened to each one that did not end up running its new
  // section; `fresh` gets the name of every instance it started or restarted.
  std::map<std::string, std::string> apply_plugins(const ReloadPlan& plan,
                                                   std::set<std::string>& fresh);
  // "" when it runs its new section, else what happened instead.
  std::string restart(const config::PluginInstanceConfig& next);
  std::string source() const;

  const RunOptions& opts_;
  config::Config running_;  // the reload thread's own after construction
  PluginSet& plugins_;
  HostServicesImpl& services_;
  PostFn post_;
  NotifyFn notify_;

  std::mutex mu_;  // guards requested_ and stopping_
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace flowlens::daemon
