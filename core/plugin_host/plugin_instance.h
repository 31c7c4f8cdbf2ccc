/* SPDX-License-Identifier: BSD-2-Clause */
// One configured instance of a plugin ("jsonapi" of plugin "sink-jsonapi"), driving the plugin's
// lifecycle: create -> start -> stop -> destroy. Every failure becomes a PluginError naming the
// instance, the plugin and the plugin's own message. Lifecycle calls come from one control
// thread; state() may be read from any thread (for /health).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "flowlens/plugin.h"
#include "plugin_host/host_api.h"
#include "plugin_host/host_services.h"
#include "plugin_host/loader.h"
#include "plugin_host/snapshot_view.h"

namespace flowlens::plugin_host {

enum class InstanceState { kLoaded, kCreated, kStarted, kStopped, kDestroyed, kFailed };
const char* to_string(InstanceState state);

// Big enough for a config error naming a nested key; the ABI's minimum is 256.
inline constexpr size_t kErrorBufferSize = 1024;
static_assert(kErrorBufferSize >= FLOWLENS_ERROR_BUFFER_MIN);
inline constexpr size_t kSelfTestReportSize = 64 * 1024;

class PluginInstance {
 public:
  // `services` must outlive this object.
  PluginInstance(std::string name, std::shared_ptr<const LoadedPlugin> plugin,
                 HostServices& services);
  // Stops and destroys the plugin's instance if the owner did not.
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  // `config_json` is the instance's section as a JSON object text. Throws PluginError; after a
  // failure the state is kFailed and nothing needs destroying.
  void create(std::string_view config_json);
  // Throws PluginError; after a failure the plugin's instance is destroyed and the state kFailed.
  void start();
  // Joins the plugin's threads. For a sink, stop its SinkRunner first: no delivery may run.
  void stop() noexcept;
  void destroy() noexcept;

  // Sink delivery, from the sink's own thread only (the SinkRunner's). Return the plugin's
  // status; on failure `error` holds its message.
  flowlens_status deliver_snapshot(const SnapshotView& snapshot, std::string& error);
  flowlens_status deliver_event(const Event& event, std::string& error);

  // True when the plugin can send a test message (descriptor.self_test, ABI 1.2).
  bool has_self_test() const { return plugin_->descriptor.self_test != nullptr; }
  // Sends the plugin's test message on a started instance; `report` gets what each destination
  // answered. FLOWLENS_ERR_UNSUPPORTED without has_self_test(), FLOWLENS_ERR_STATE unless started.
  flowlens_status self_test(std::string& report);

  // True when the plugin can re-read its files (descriptor.reopen, ABI 1.4).
  bool has_reopen() const { return plugin_->descriptor.reopen != nullptr; }
  // Has a started instance re-read the files it read at start (SIGHUP). FLOWLENS_OK when it did
  // or has nothing to re-read (no reopen); FLOWLENS_ERR_STATE unless started; otherwise the
  // plugin's status with its message in `error` (it kept what it had). From the control thread.
  flowlens_status reopen(std::string& error);

  const std::string& name() const { return name_; }
  const LoadedPlugin& plugin() const { return *plugin_; }
  InstanceState state() const { return state_.load(); }
  bool is_sink() const { return plugin_->is_sink(); }

 private:
  // "instance 'jsonapi' (plugin sink-jsonapi 1.0.0)"
  std::string describe() const;
  [[noreturn]] void fail(const char* step, flowlens_status status, const char* message);

  std::string name_;
  std::shared_ptr<const LoadedPlugin> plugin_;
  HostServices& services_;
  std::unique_ptr<HostApi> host_api_;  // outlives the plugin's instance
  flowlens_plugin_instance* instance_ = nullptr;
  std::atomic<InstanceState> state_{InstanceState::kLoaded};
};

}  // namespace flowlens::plugin_host
