/* SPDX-License-Identifier: BSD-2-Clause */
// The built sink-statsd.so through its one C entry point, with a minimal host written here (what
// the daemon does, minus the daemon): logs are kept for the tests to read.
#pragma once

#include <flowlens/plugin.h>

#include <dlfcn.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowlens::statsd::testing {

class LoadedPlugin {
 public:
  LoadedPlugin() {
    // RTLD_NOW, as the daemon loads it. The library stays loaded, as in the daemon.
    void* handle = dlopen(FLOWLENS_STATSD_SO, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) throw std::runtime_error(dlerror());
    auto entry =
        reinterpret_cast<flowlens_plugin_entry_fn>(dlsym(handle, FLOWLENS_PLUGIN_ENTRY_NAME));
    if (entry == nullptr) throw std::runtime_error("no entry point");
    d_ = entry();
    api_.struct_size = sizeof api_;
    api_.abi_major = FLOWLENS_PLUGIN_ABI_MAJOR;
    api_.abi_minor = FLOWLENS_PLUGIN_ABI_MINOR;
    api_.context = reinterpret_cast<flowlens_host_context*>(this);
    api_.instance_name = "statsd";
    api_.log = [](flowlens_host_context* c, int32_t, const char* message) {
      auto* self = reinterpret_cast<LoadedPlugin*>(c);
      std::lock_guard lock(self->mutex_);
      self->logs_.emplace_back(message);
    };
    api_.snapshot_acquire = [](flowlens_host_context*) -> const flowlens_snapshot* {
      return nullptr;
    };
    api_.snapshot_release = [](flowlens_host_context*, const flowlens_snapshot*) {};
  }
  ~LoadedPlugin() {
    if (instance_ != nullptr) {
      if (started_) d_->stop(instance_);
      d_->destroy(instance_);
    }
  }
  LoadedPlugin(const LoadedPlugin&) = delete;
  LoadedPlugin& operator=(const LoadedPlugin&) = delete;

  const flowlens_plugin_descriptor* descriptor() const { return d_; }

  // create + start; returns "" or the error message.
  std::string start(const std::string& config_json) {
    char error[FLOWLENS_ERROR_BUFFER_MIN] = {};
    if (d_->create(&api_, config_json.c_str(), &instance_, error, sizeof error) != FLOWLENS_OK) {
      return error;
    }
    if (d_->start(instance_, error, sizeof error) != FLOWLENS_OK) return error;
    started_ = true;
    return {};
  }
  flowlens_status deliver(const flowlens_snapshot* snapshot) {
    char error[FLOWLENS_ERROR_BUFFER_MIN] = {};
    return d_->on_snapshot(instance_, snapshot, error, sizeof error);
  }
  void stop() {
    if (started_) d_->stop(instance_);
    started_ = false;
  }

  std::vector<std::string> logs() const {
    std::lock_guard lock(mutex_);
    return logs_;
  }
  bool logged(const std::string& part) const {
    for (const auto& line : logs()) {
      if (line.find(part) != std::string::npos) return true;
    }
    return false;
  }
  std::string all_logs() const {
    std::string out;
    for (const auto& line : logs()) out += line + "\n";
    return out;
  }

 private:
  const flowlens_plugin_descriptor* d_ = nullptr;
  flowlens_host_api api_{};
  flowlens_plugin_instance* instance_ = nullptr;
  bool started_ = false;
  mutable std::mutex mutex_;
  std::vector<std::string> logs_;
};

}  // namespace flowlens::statsd::testing
