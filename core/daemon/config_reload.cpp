// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/config_reload.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <system_error>

#include "config/estimator_section.h"
#include "config/plugin_availability.h"
#include "config/plugin_probe.h"
#include "config/plugin_roles.h"
#include "config/privileged_ports.h"
#include "daemon/run_config.h"
#include "flowlens/plugin.h"
#include "privileges/capabilities.h"

namespace flowlens::daemon {

namespace {

// The capability to bind below 1024 went at start when no configured port was that low, and a
// process cannot take a capability back.
void warn_unbindable_port(const config::Config& next) {
  const std::string why = config::privileged_listen(next);
  if (why.empty()) return;
  try {
    if (privileges::current_caps().effective & privileges::cap_bit(privileges::kCapNetBindService))
      return;
  } catch (const std::system_error&) {
    return;  // cannot tell: the plugin's own bind error will say
  }
  spdlog::warn(
      "{}, below 1024: flowlensd gave up CAP_NET_BIND_SERVICE at start, when no configured port "
      "was that low; that port binds after a restart",
      why);
}

std::string quoted_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "'" : ", '") + n + "'";
  return out;
}

// The instances' names, leaving out those in `failed`.
std::vector<std::string> names_of(const std::vector<config::PluginInstanceConfig>& instances,
                                  const std::map<std::string, std::string>& failed) {
  std::vector<std::string> out;
  for (const auto& i : instances)
    if (!failed.contains(i.name)) out.push_back(i.name);
  return out;
}

const config::PluginInstanceConfig* find_instance(const config::Config& cfg,
                                                  const std::string& name) {
  for (const auto& i : cfg.plugins)
    if (i.name == name) return &i;
  return nullptr;
}

}  // namespace

ConfigReload::ConfigReload(const RunOptions& opts, config::Config running, PluginSet& plugins,
                           HostServicesImpl& services, PostFn post, NotifyFn notify)
    : opts_(opts),
      running_(std::move(running)),
      plugins_(plugins),
      services_(services),
      post_(std::move(post)),
      notify_(std::move(notify)),
      thread_([this] { run(); }) {}

ConfigReload::~ConfigReload() {
  stop();
}

void ConfigReload::request() {
  {
    std::lock_guard lock(mu_);
    requested_ = true;
  }
  wake_.notify_one();
}

void ConfigReload::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void ConfigReload::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    lock.unlock();
    if (notify_) notify_(true);
    try {
      reload();
    } catch (const std::exception& e) {
      // Nothing in a reload may end the daemon: what ran before keeps running.
      spdlog::error("reload failed: {}; still running the previous configuration", e.what());
    }
    if (notify_) notify_(false);
    lock.lock();
  }
}

std::string ConfigReload::source() const {
  if (!opts_.config_file.empty()) return opts_.config_file;
  return opts_.conf_dir.empty() ? std::string(config::kDefaultConfDir) : opts_.conf_dir;
}

std::vector<std::string> ConfigReload::prepare(const config::Config& next, ReloadPlan& plan,
                                               LoopChanges& loop) const {
  std::vector<std::string> errors;
  try {
    const estimator::EstimatorConfig est = config::estimator_config_from(next);
    if (next.estimator != running_.estimator) loop.estimator = est;
  } catch (const config::ConfigError& e) {
    errors = e.messages();
  }
  const std::set<std::string> installed = config::list_installed_plugins(running_.core.plugin_dir);
  plan = plan_reload(running_, next, installed);
  errors.insert(errors.end(), plan.errors.begin(), plan.errors.end());
  // Each new or changed section through its plugin's own create, as check-config does, so a
  // section the plugin refuses is refused here rather than after its old instance has stopped.
  // The daemon must still have something to watch and somewhere to tell once the plan is applied.
  std::set<std::string> leaving(plan.stop.begin(), plan.stop.end());
  for (const auto& inst : plan.restart) leaving.insert(inst.name);
  config::PluginRoles roles = plugins_.roles(leaving);
  roles.servers_on_command_line = !opts_.servers.empty();
  roles.jsonl_output = opts_.jsonl;
  for (const auto* list : {&plan.restart, &plan.start}) {
    for (const auto& inst : *list) {
      config::SectionCheck check = config::check_plugin_section(inst, running_.core.plugin_dir);
      for (const auto& n : check.notes) spdlog::warn("{}", n);
      if (!check.error.empty()) errors.push_back(check.error);
      if (check.capabilities & FLOWLENS_CAP_DISCOVERY) ++roles.discovery;
      if (check.capabilities & FLOWLENS_CAP_SINK) ++roles.sinks;
    }
  }
  if (errors.empty())
    for (auto& e : config::missing_role_errors(roles, config::RolesContext::kRun))
      errors.push_back(std::move(e));
  if (plan.metrics_interval_changed) loop.metrics_interval = plan.applied.core.metrics_interval;
  return errors;
}

void ConfigReload::reload() {
  spdlog::info("received SIGHUP: reloading {}", source());
  config::Config next;
  std::vector<std::string> errors;
  try {
    next = load_run_config(opts_);
  } catch (const config::ConfigError& e) {
    errors = e.messages();
  }
  ReloadPlan plan;
  LoopChanges loop;
  if (errors.empty()) errors = prepare(next, plan, loop);
  if (!errors.empty()) {
    for (const auto& m : errors) spdlog::error("reload refused: {}", m);
    spdlog::error("reload refused ({} error{}): still running the previous configuration",
                  errors.size(), errors.size() == 1 ? "" : "s");
    // A renewed certificate is no part of the configuration: a mistake in conf.d must not keep
    // the old one served.
    plugins_.reopen({});
    return;
  }
  for (const auto& w : next.warnings) spdlog::warn("{}", w);
  for (const auto& m : plan.needs_restart) spdlog::warn("{}", m);
  warn_unbindable_port(plan.applied);

  // Only the level: the logger itself is shared with every thread logging right now. The schema
  // has checked the name.
  if (plan.log_level_changed)
    spdlog::set_level(spdlog::level::from_str(plan.applied.core.log_level));
  if (plan.discovery_interval_changed)
    services_.set_discovery_interval(plan.applied.core.discovery_interval);
  if (loop.estimator || loop.metrics_interval) post_(loop);
  running_ = std::move(plan.applied);
  std::set<std::string> fresh;
  const std::map<std::string, std::string> failed = apply_plugins(plan, fresh);
  // Each plugin says what it re-read itself: the host cannot tell a renewed certificate from a
  // plugin with nothing to re-read.
  plugins_.reopen(fresh);

  std::vector<std::string> done;
  if (loop.estimator) done.push_back("estimator settings apply from the next tick");
  if (loop.metrics_interval)
    done.push_back("a tick every " + std::to_string(loop.metrics_interval->count()) + " ms");
  if (plan.log_level_changed) done.push_back("log level " + running_.core.log_level);
  if (auto started = names_of(plan.start, failed); !started.empty())
    done.push_back("started " + quoted_names(started));
  if (auto restarted = names_of(plan.restart, failed); !restarted.empty())
    done.push_back("restarted " + quoted_names(restarted));
  if (!plan.stop.empty()) done.push_back("stopped " + quoted_names(plan.stop));
  for (const auto& [name, why] : failed) done.push_back(why);
  std::string summary;
  for (const auto& d : done) summary += (summary.empty() ? "" : "; ") + d;
  spdlog::log(failed.empty() ? spdlog::level::info : spdlog::level::warn, "reloaded {}: {}",
              source(), summary.empty() ? "nothing changed" : summary);
}

std::map<std::string, std::string> ConfigReload::apply_plugins(const ReloadPlan& plan,
                                                               std::set<std::string>& fresh) {
  std::map<std::string, std::string> failed;
  // Removed first: a new instance may want the port a removed one held.
  for (const auto& name : plan.stop) plugins_.stop(name, /*withdraw=*/true);
  std::vector<config::PluginInstanceConfig> restarts = plan.restart;
  if (plan.discovery_interval_changed) {
    for (const auto& name : plugins_.discovery_instances()) {
      const bool listed = std::any_of(restarts.begin(), restarts.end(),
                                      [&](const auto& i) { return i.name == name; });
      if (const auto* inst = find_instance(running_, name); inst && !listed)
        restarts.push_back(*inst);
    }
  }
  for (const auto& inst : restarts) {
    fresh.insert(inst.name);
    if (std::string why = restart(inst); !why.empty()) failed.emplace(inst.name, why);
  }
  for (const auto& inst : plan.start) {
    fresh.insert(inst.name);
    if (!plugins_.start(inst, running_.core.plugin_dir))
      failed.emplace(inst.name, "'" + inst.name + "' did not start");
  }
  // An unchanged instance that could not start before (a port taken, a panel down) gets another
  // try: a reload is what an operator sends after fixing that.
  for (const auto& h : plugins_.health()) {
    if (h.state != plugin_host::to_string(plugin_host::InstanceState::kFailed)) continue;
    const auto* inst = find_instance(running_, h.instance);
    const bool just_tried = std::any_of(plan.start.begin(), plan.start.end(),
                                        [&](const auto& i) { return i.name == h.instance; }) ||
                            std::any_of(restarts.begin(), restarts.end(),
                                        [&](const auto& i) { return i.name == h.instance; });
    if (inst && inst->enabled && !just_tried) {
      fresh.insert(h.instance);
      plugins_.start(*inst, running_.core.plugin_dir);
    }
  }
  std::vector<std::string> order;
  for (const auto& i : running_.plugins) order.push_back(i.name);
  plugins_.order_as(order);
  return failed;
}

// Its servers stay in the registry while it restarts, even if it withdraws them as it stops: the
// new instance replaces them when it publishes (every shipped discovery plugin publishes its
// whole list on start), so the estimates of servers it still lists go on without a warm-up.
std::string ConfigReload::restart(const config::PluginInstanceConfig& next) {
  const bool discovery = [&] {
    auto d = plugins_.discovery_instances();
    return std::find(d.begin(), d.end(), next.name) != d.end();
  }();
  // The section it ran with: running_ already holds the new one, so it comes from the plugin set.
  std::optional<config::PluginInstanceConfig> previous = plugins_.section(next.name);
  services_.hold_servers(next.name, true);
  plugins_.stop(next.name, /*withdraw=*/false);
  services_.hold_servers(next.name, false);
  if (plugins_.start(next, running_.core.plugin_dir)) return "";
  if (previous) {
    spdlog::error(
        "plugin instance '{}' did not start with its new section; starting it again "
        "with the previous one",
        next.name);
    if (plugins_.start(*previous, running_.core.plugin_dir)) {
      for (auto& i : running_.plugins)
        if (i.name == next.name) i = *previous;
      return "'" + next.name + "' kept its previous section (the new one did not start)";
    }
  }
  if (discovery) services_.replace_servers(next.name, {});
  return "'" + next.name + "' did not start";
}

}  // namespace flowlens::daemon
