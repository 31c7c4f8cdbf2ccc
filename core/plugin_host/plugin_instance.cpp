// SPDX-License-Identifier: BSD-2-Clause
#include "plugin_host/plugin_instance.h"

#include <cstring>
#include <string>

#include "plugin_host/plugin_error.h"

namespace flowlens::plugin_host {
namespace {

const char* status_name(flowlens_status status) {
  switch (status) {
    case FLOWLENS_OK:
      return "ok";
    case FLOWLENS_ERR_INVALID_ARGUMENT:
      return "invalid argument";
    case FLOWLENS_ERR_CONFIG:
      return "config error";
    case FLOWLENS_ERR_FAILED:
      return "failed";
    case FLOWLENS_ERR_UNSUPPORTED:
      return "unsupported";
    case FLOWLENS_ERR_STATE:
      return "wrong state";
    case FLOWLENS_ERR_NO_MEMORY:
      return "out of memory";
    default:
      return "unknown status";
  }
}

}  // namespace

const char* to_string(InstanceState state) {
  switch (state) {
    case InstanceState::kLoaded:
      return "loaded";
    case InstanceState::kCreated:
      return "created";
    case InstanceState::kStarted:
      return "started";
    case InstanceState::kStopped:
      return "stopped";
    case InstanceState::kDestroyed:
      return "destroyed";
    case InstanceState::kFailed:
      return "failed";
  }
  return "unknown";
}

PluginInstance::PluginInstance(std::string name, std::shared_ptr<const LoadedPlugin> plugin,
                               HostServices& services)
    : name_(std::move(name)), plugin_(std::move(plugin)), services_(services) {}

PluginInstance::~PluginInstance() {
  stop();
  destroy();
}

std::string PluginInstance::describe() const {
  return "instance '" + name_ + "' (plugin " + plugin_->name + " " + plugin_->version + ")";
}

void PluginInstance::fail(const char* step, flowlens_status status, const char* message) {
  std::string text = message[0] != '\0' ? message : "(no message)";
  state_ = InstanceState::kFailed;
  throw PluginError(describe() + ": " + step + " failed: " + text + " [" + status_name(status) +
                    "]");
}

void PluginInstance::create(std::string_view config_json) {
  if (state_ != InstanceState::kLoaded) {
    throw PluginError(describe() + ": create called in state " + to_string(state_.load()));
  }
  host_api_ = std::make_unique<HostApi>(name_, services_);
  std::string config(config_json.empty() ? "{}" : config_json);
  char error[kErrorBufferSize] = {};
  flowlens_plugin_instance* created = nullptr;
  flowlens_status st =
      plugin_->descriptor.create(host_api_->get(), config.c_str(), &created, error, sizeof error);
  error[sizeof error - 1] = '\0';  // a plugin that forgot the terminator must not overrun us
  if (st != FLOWLENS_OK) fail("create", st, error);
  if (created == nullptr) fail("create", FLOWLENS_ERR_FAILED, "returned OK but no instance");
  instance_ = created;
  state_ = InstanceState::kCreated;
}

void PluginInstance::start() {
  if (state_ != InstanceState::kCreated) {
    throw PluginError(describe() + ": start called in state " + to_string(state_.load()));
  }
  if (plugin_->descriptor.start != nullptr) {
    char error[kErrorBufferSize] = {};
    flowlens_status st = plugin_->descriptor.start(instance_, error, sizeof error);
    error[sizeof error - 1] = '\0';
    if (st != FLOWLENS_OK) {
      destroy();  // the ABI: a failed start leaves the instance created; we do not keep it
      fail("start", st, error);
    }
  }
  state_ = InstanceState::kStarted;
}

void PluginInstance::stop() noexcept {
  if (state_ != InstanceState::kStarted) return;
  if (plugin_->descriptor.stop != nullptr) plugin_->descriptor.stop(instance_);
  state_ = InstanceState::kStopped;
}

void PluginInstance::destroy() noexcept {
  if (instance_ == nullptr) return;
  stop();
  plugin_->descriptor.destroy(instance_);
  instance_ = nullptr;
  if (state_ != InstanceState::kFailed) state_ = InstanceState::kDestroyed;
}

flowlens_status PluginInstance::deliver_snapshot(const SnapshotView& snapshot, std::string& error) {
  if (state_ != InstanceState::kStarted || plugin_->descriptor.on_snapshot == nullptr) {
    return FLOWLENS_ERR_STATE;
  }
  char buf[kErrorBufferSize] = {};
  flowlens_status st = plugin_->descriptor.on_snapshot(instance_, snapshot.get(), buf, sizeof buf);
  buf[sizeof buf - 1] = '\0';
  if (st != FLOWLENS_OK) error = buf;
  return st;
}

flowlens_status PluginInstance::deliver_event(const Event& event, std::string& error) {
  if (state_ != InstanceState::kStarted) return FLOWLENS_ERR_STATE;
  if (plugin_->descriptor.on_event == nullptr) return FLOWLENS_OK;  // optional: nothing to do
  flowlens_event view{};
  view.struct_size = sizeof view;
  view.kind = event.kind;
  view.message = event.message.c_str();
  view.server_id = event.server_id.empty() ? nullptr : event.server_id.c_str();
  view.value = event.value;
  view.timestamp_unix_ms = event.timestamp_unix_ms;
  view.source = event.source.c_str();
  char buf[kErrorBufferSize] = {};
  flowlens_status st = plugin_->descriptor.on_event(instance_, &view, buf, sizeof buf);
  buf[sizeof buf - 1] = '\0';
  if (st != FLOWLENS_OK) error = buf;
  return st;
}

flowlens_status PluginInstance::reopen(std::string& error) {
  if (state_.load() != InstanceState::kStarted) return FLOWLENS_ERR_STATE;
  if (!has_reopen()) return FLOWLENS_OK;  // optional: it reads nothing it would need again
  char buf[kErrorBufferSize] = {};
  const flowlens_status st = plugin_->descriptor.reopen(instance_, buf, sizeof buf);
  buf[sizeof buf - 1] = '\0';
  if (st != FLOWLENS_OK) error = buf[0] != '\0' ? buf : "(no message)";
  return st;
}

flowlens_status PluginInstance::self_test(std::string& report) {
  if (!has_self_test()) {
    report = "the plugin has no test message";
    return FLOWLENS_ERR_UNSUPPORTED;
  }
  if (state_.load() != InstanceState::kStarted) {
    report = "the instance is not started";
    return FLOWLENS_ERR_STATE;
  }
  // Reports are a line per destination; a host with hundreds of webhooks still fits.
  std::string buffer(kSelfTestReportSize, '\0');
  const flowlens_status st = plugin_->descriptor.self_test(instance_, buffer.data(), buffer.size());
  buffer.resize(std::strlen(buffer.c_str()));
  report = std::move(buffer);
  return st;
}

}  // namespace flowlens::plugin_host
