// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/plugin_set.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "plugin_host/loader.h"
#include "plugin_host/plugin_error.h"

namespace flowlens::daemon {

size_t PluginSet::start_all(const std::vector<config::PluginInstanceConfig>& instances,
                            const std::filesystem::path& plugin_dir) {
  size_t failed = 0;
  for (const auto& cfg : instances) failed += start(cfg, plugin_dir) ? 0 : 1;
  return failed;
}

bool PluginSet::start(const config::PluginInstanceConfig& cfg,
                      const std::filesystem::path& plugin_dir) {
  try {
    auto plugin = plugin_host::load_plugin(plugin_dir, cfg.plugin);
    auto instance = std::make_unique<plugin_host::PluginInstance>(cfg.name, plugin, services_);
    instance->create(cfg.config_json);
    instance->start();
    Running r{std::move(instance), nullptr, 0, cfg};
    if (r.instance->is_sink()) {
      r.runner = std::make_unique<plugin_host::SinkRunner>(*r.instance, services_);
      r.runner->start();
    }
    spdlog::info("plugin instance '{}' started ({} {}, {})", cfg.name, plugin->name,
                 plugin->version, plugin_host::capabilities_to_string(plugin->capabilities));
    std::lock_guard lock(mutex_);
    std::erase_if(failed_, [&](const InstanceHealth& h) { return h.instance == cfg.name; });
    instances_.push_back(std::move(r));
    return true;
  } catch (const plugin_host::PluginError& e) {
    spdlog::error("{} (declared at {}); continuing without it", e.what(), cfg.pos.to_string());
    InstanceHealth h;
    h.instance = cfg.name;
    h.plugin = cfg.plugin;
    h.state = plugin_host::to_string(plugin_host::InstanceState::kFailed);
    h.error = e.what();
    std::lock_guard lock(mutex_);
    std::erase_if(failed_, [&](const InstanceHealth& f) { return f.instance == cfg.name; });
    failed_.push_back(std::move(h));
    return false;
  }
}

bool PluginSet::stop(const std::string& name, bool withdraw) {
  std::vector<Running> stopping;
  {
    std::lock_guard lock(mutex_);
    std::erase_if(failed_, [&](const InstanceHealth& h) { return h.instance == name; });
    auto it = std::find_if(instances_.begin(), instances_.end(),
                           [&](const Running& r) { return r.instance->name() == name; });
    if (it == instances_.end()) return false;
    stopping.push_back(std::move(*it));
    instances_.erase(it);
  }
  const bool discovery = stopping.front().instance->plugin().is_discovery();
  stop_running(stopping);
  // After the stop: a stopped instance publishes nothing more that could bring them back.
  if (withdraw && discovery) services_.replace_servers(name, {});
  // What it said of itself is not true of the next instance of that name.
  services_.forget(name);
  return true;
}

void PluginSet::order_as(const std::vector<std::string>& names) {
  std::lock_guard lock(mutex_);
  auto rank = [&](const Running& r) {
    auto it = std::find(names.begin(), names.end(), r.instance->name());
    return static_cast<size_t>(it - names.begin());
  };
  std::stable_sort(instances_.begin(), instances_.end(),
                   [&](const Running& a, const Running& b) { return rank(a) < rank(b); });
}

std::optional<config::PluginInstanceConfig> PluginSet::section(const std::string& name) const {
  std::lock_guard lock(mutex_);
  for (const auto& r : instances_)
    if (r.instance->name() == name) return r.section;
  return std::nullopt;
}

std::vector<std::string> PluginSet::discovery_instances() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& r : instances_)
    if (r.instance->plugin().is_discovery()) out.push_back(r.instance->name());
  return out;
}

std::vector<std::string> PluginSet::reopen(const std::set<std::string>& except) {
  std::vector<plugin_host::PluginInstance*> asked;
  {
    std::lock_guard lock(mutex_);
    for (const auto& r : instances_)
      if (r.instance->has_reopen() && !except.contains(r.instance->name()))
        asked.push_back(r.instance.get());
  }
  // Outside the lock: a plugin reading its files must not hold up health() or post_event().
  std::vector<std::string> reopened;
  for (auto* instance : asked) {
    std::string error;
    if (instance->reopen(error) == FLOWLENS_OK) {
      reopened.push_back(instance->name());
    } else {
      spdlog::error("plugin instance '{}' could not re-read its files: {}", instance->name(),
                    error);
    }
  }
  return reopened;
}

void PluginSet::post_snapshot(const model::SnapshotPtr& snapshot) {
  std::lock_guard lock(mutex_);
  for (auto& r : instances_)
    if (r.runner) r.runner->post_snapshot(snapshot);
}

void PluginSet::post_event(const plugin_host::Event& event) {
  std::lock_guard lock(mutex_);
  for (auto& r : instances_)
    if (r.runner) r.runner->post_event(event);
}

void PluginSet::warn_event_drops() {
  std::lock_guard lock(mutex_);
  for (auto& r : instances_) {
    if (!r.runner) continue;
    const uint64_t dropped = r.runner->stats().events_dropped;
    if (dropped == r.drops_reported) continue;
    spdlog::warn(
        "sink '{}' dropped {} events since the last tick ({} in total): its event queue "
        "is full because it takes events slower than they come",
        r.instance->name(), dropped - r.drops_reported, dropped);
    r.drops_reported = dropped;
  }
}

std::vector<InstanceHealth> PluginSet::health() const {
  std::lock_guard lock(mutex_);
  std::vector<InstanceHealth> out;
  out.reserve(instances_.size());
  for (const auto& r : instances_) {
    const plugin_host::LoadedPlugin& plugin = r.instance->plugin();
    InstanceHealth& h = out.emplace_back();
    h.instance = r.instance->name();
    h.plugin = plugin.name;
    h.version = plugin.version;
    h.kind = plugin_host::capabilities_to_string(plugin.capabilities);
    h.state = plugin_host::to_string(r.instance->state());
    if (r.runner) h.sink = r.runner->stats();
  }
  out.insert(out.end(), failed_.begin(), failed_.end());
  return out;
}

size_t PluginSet::running() const {
  std::lock_guard lock(mutex_);
  return instances_.size();
}

config::PluginRoles PluginSet::roles(const std::set<std::string>& except) const {
  std::lock_guard lock(mutex_);
  config::PluginRoles roles;
  for (const auto& r : instances_) {
    if (except.contains(r.instance->name())) continue;
    if (r.instance->plugin().is_discovery()) ++roles.discovery;
    if (r.instance->is_sink()) ++roles.sinks;
  }
  return roles;
}

void PluginSet::stop_all() noexcept {
  // Taken out of the list first: a sink being stopped may be joining a thread that is waiting in
  // health() or post_event() for the lock, so none of the stopping happens under it.
  std::vector<Running> stopping;
  {
    std::lock_guard lock(mutex_);
    stopping.swap(instances_);
    failed_.clear();
  }
  stop_running(stopping);
}

void PluginSet::stop_running(std::vector<Running>& stopping) noexcept {
  // Delivery threads first, so no sink callback runs while its instance stops.
  std::vector<bool> abandoned(stopping.size(), false);
  for (size_t i = stopping.size(); i-- > 0;) {
    auto& r = stopping[i];
    if (r.runner && !r.runner->stop()) {
      spdlog::error("sink '{}' is stuck in a callback; leaving its thread and instance behind",
                    r.instance->name());
      abandoned[i] = true;
    }
  }
  for (size_t i = stopping.size(); i-- > 0;) {
    auto& r = stopping[i];
    if (abandoned[i]) {
      // Stopping or destroying an instance whose callback still runs would free what it uses.
      (void)r.runner.release();
      (void)r.instance.release();
      continue;
    }
    r.runner.reset();
    r.instance->stop();
    r.instance->destroy();
    spdlog::info("plugin instance '{}' stopped", r.instance->name());
  }
}

}  // namespace flowlens::daemon
