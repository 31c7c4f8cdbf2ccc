/* SPDX-License-Identifier: BSD-2-Clause */
// The built sink-webhook.so through its one C entry point, with a minimal host written here
// (what flowlensd does, minus flowlensd), and snapshots built from a script.
#pragma once

#include <flowlens/plugin.h>

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace flowlens::webhook::testing {

struct RecordingHost {
  std::mutex mutex;
  std::vector<std::string> logs;
  std::vector<std::pair<uint32_t, std::string>> events;  // kind, server id
};

inline RecordingHost& host_of(flowlens_host_context* c) {
  return *reinterpret_cast<RecordingHost*>(c);
}

inline flowlens_host_api make_api(RecordingHost& host, const char* instance = "alerts") {
  flowlens_host_api api{};
  api.struct_size = sizeof api;
  api.abi_major = FLOWLENS_PLUGIN_ABI_MAJOR;
  api.abi_minor = FLOWLENS_PLUGIN_ABI_MINOR;
  api.context = reinterpret_cast<flowlens_host_context*>(&host);
  api.instance_name = instance;
  api.log = [](flowlens_host_context* c, int32_t, const char* message) {
    std::lock_guard lock(host_of(c).mutex);
    host_of(c).logs.emplace_back(message);
  };
  api.emit_event = [](flowlens_host_context* c, const flowlens_event* e, char*,
                      size_t) -> flowlens_status {
    std::lock_guard lock(host_of(c).mutex);
    host_of(c).events.emplace_back(e->kind, e->server_id ? e->server_id : "");
    return FLOWLENS_OK;
  };
  api.snapshot_acquire = [](flowlens_host_context*) -> const flowlens_snapshot* { return nullptr; };
  api.snapshot_release = [](flowlens_host_context*, const flowlens_snapshot*) {};
  api.health_json = [](flowlens_host_context*, char* buf, size_t size) -> size_t {
    if (size > 0) buf[0] = '\0';
    return 0;
  };
  return api;
}

inline const flowlens_plugin_descriptor* load_plugin() {
  // RTLD_NOW, as the daemon loads it; the library stays loaded, as in the daemon.
  void* handle = dlopen(FLOWLENS_WEBHOOK_SO, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return nullptr;
  auto entry =
      reinterpret_cast<flowlens_plugin_entry_fn>(dlsym(handle, FLOWLENS_PLUGIN_ENTRY_NAME));
  return entry ? entry() : nullptr;
}

constexpr int kUnknownPlayers = -1;

// Builds one snapshot's C views: server id -> players (kUnknownPlayers: not estimated).
class ScriptedSnapshot {
 public:
  explicit ScriptedSnapshot(const std::map<std::string, int>& players,
                            const std::map<std::string, std::string>& labels = {}) {
    labels_ = labels;  // the views below point into our own copy
    for (const auto& [k, v] : labels_) {
      label_views_.push_back({sizeof(flowlens_label), k.c_str(), v.c_str()});
    }
    for (const auto& [id, n] : players) ids_.push_back(id), counts_.push_back(n);
    for (size_t s = 0; s < ids_.size(); ++s) {
      flowlens_server_estimate e{};
      e.struct_size = sizeof e;
      e.server_id = ids_[s].c_str();
      e.name = ids_[s].c_str();
      e.known = counts_[s] >= 0;
      e.unknown_reason = e.known ? "" : "bpf not attached";
      e.active_players = counts_[s] >= 0 ? static_cast<uint32_t>(counts_[s]) : 0;
      e.sample_window_seconds = 60;
      e.labels = label_views_.empty() ? nullptr : label_views_.data();
      e.label_count = label_views_.size();
      estimates_.push_back(e);
    }
    view_.struct_size = sizeof view_;
    view_.timestamp_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
    view_.servers = estimates_.empty() ? nullptr : estimates_.data();
    view_.server_count = estimates_.size();
  }
  ScriptedSnapshot(const ScriptedSnapshot&) = delete;
  const flowlens_snapshot* get() const { return &view_; }

 private:
  std::vector<std::string> ids_;
  std::vector<int> counts_;
  std::map<std::string, std::string> labels_;
  std::vector<flowlens_label> label_views_;
  std::vector<flowlens_server_estimate> estimates_;
  flowlens_snapshot view_{};
};

// One created (and started) instance; stops and destroys itself.
class Instance {
 public:
  Instance(const flowlens_plugin_descriptor* d, RecordingHost& host, const std::string& config,
           const char* name = "alerts")
      : d_(d), api_(make_api(host, name)) {
    char error[FLOWLENS_ERROR_BUFFER_MIN] = {};
    status_ = d_->create(&api_, config.c_str(), &instance_, error, sizeof error);
    error_ = error;
  }
  ~Instance() {
    if (started_) d_->stop(instance_);
    if (instance_) d_->destroy(instance_);
  }
  flowlens_status create_status() const { return status_; }
  const std::string& error() const { return error_; }
  flowlens_status start() {
    char error[FLOWLENS_ERROR_BUFFER_MIN] = {};
    const flowlens_status st = d_->start(instance_, error, sizeof error);
    error_ = error;
    started_ = st == FLOWLENS_OK;
    return st;
  }
  void stop() {
    if (started_) d_->stop(instance_);
    started_ = false;
  }
  flowlens_plugin_instance* raw() const { return instance_; }
  void tick(const ScriptedSnapshot& s) {
    char error[FLOWLENS_ERROR_BUFFER_MIN] = {};
    ASSERT_EQ(d_->on_snapshot(instance_, s.get(), error, sizeof error), FLOWLENS_OK) << error;
  }

 private:
  const flowlens_plugin_descriptor* d_;
  flowlens_host_api api_;
  flowlens_plugin_instance* instance_ = nullptr;
  flowlens_status status_ = FLOWLENS_ERR_FAILED;
  std::string error_;
  bool started_ = false;
};

}  // namespace flowlens::webhook::testing
