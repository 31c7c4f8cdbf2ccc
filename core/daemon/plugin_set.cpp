#include "daemon/plugin_set.h"

#include <spdlog/spdlog.h>

#include "plugin_host/loader.h"
#include "plugin_host/plugin_error.h"

namespace flowlens::daemon {

size_t PluginSet::start_all(const std::vector<config::PluginInstanceConfig>& instances,
                            const std::filesystem::path& plugin_dir) {
  size_t failed = 0;
  for (const auto& cfg : instances) {
    try {
      auto plugin = plugin_host::load_plugin(plugin_dir, cfg.plugin);
      auto instance = std::make_unique<plugin_host::PluginInstance>(cfg.name, plugin, services_);
      instance->create(cfg.config_json);
      instance->start();
      Running r{std::move(instance), nullptr};
      if (r.instance->is_sink()) {
        r.runner = std::make_unique<plugin_host::SinkRunner>(*r.instance, services_);
        r.runner->start();
      }
      spdlog::info("plugin instance '{}' started ({} {}, {})", cfg.name, plugin->name,
                   plugin->version, plugin_host::capabilities_to_string(plugin->capabilities));
      instances_.push_back(std::move(r));
    } catch (const plugin_host::PluginError& e) {
      ++failed;
      spdlog::error("{} (declared at {}); continuing without it", e.what(), cfg.pos.to_string());
    }
  }
  return failed;
}

void PluginSet::post_snapshot(const model::SnapshotPtr& snapshot) {
  for (auto& r : instances_)
    if (r.runner) r.runner->post_snapshot(snapshot);
}

void PluginSet::post_event(const plugin_host::Event& event) {
  for (auto& r : instances_)
    if (r.runner) r.runner->post_event(event);
}

void PluginSet::stop_all() noexcept {
  // Delivery threads first, so no sink callback runs while its instance stops.
  std::vector<bool> abandoned(instances_.size(), false);
  for (size_t i = instances_.size(); i-- > 0;) {
    auto& r = instances_[i];
    if (r.runner && !r.runner->stop()) {
      spdlog::error("sink '{}' is stuck in a callback; leaving it running as the daemon exits",
                    r.instance->name());
      abandoned[i] = true;
    }
  }
  for (size_t i = instances_.size(); i-- > 0;) {
    auto& r = instances_[i];
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
  instances_.clear();
}

}  // namespace flowlens::daemon
