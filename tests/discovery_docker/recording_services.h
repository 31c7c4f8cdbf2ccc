/* SPDX-License-Identifier: BSD-2-Clause */
// HostServices for tests that load discovery-docker.so: keeps what the instance has published,
// as the daemon's registry would, and lets a test wait for a condition on it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "plugin_host/host_services.h"

namespace flowlens::discovery_docker::testing {

class RecordingServices : public plugin_host::HostServices {
 public:
  using Servers = std::map<std::string, model::Server>;

  void set_status(const std::string&, std::string status, std::string detail) override {
    std::lock_guard lock(mu_);
    statuses_.push_back(status + ": " + detail);
    changed();
  }
  std::vector<std::string> statuses() {
    std::lock_guard lock(mu_);
    return statuses_;
  }

  void log(const std::string&, plugin_host::LogLevel level, std::string_view message) override {
    std::lock_guard lock(mu_);
    logs_.push_back({level, std::string(message)});
    changed();
  }
  void add_servers(const std::string&, std::vector<model::Server> servers) override {
    std::lock_guard lock(mu_);
    for (auto& s : servers) {
      if (!servers_.contains(s.id)) published_at_[s.id] = std::chrono::system_clock::now();
      servers_[s.id] = std::move(s);
    }
    changed();
  }
  void remove_servers(const std::string&, std::vector<std::string> ids) override {
    std::lock_guard lock(mu_);
    for (const auto& id : ids) {
      servers_.erase(id);
      removed_.push_back(id);
    }
    changed();
  }
  void replace_servers(const std::string&, std::vector<model::Server> servers) override {
    std::lock_guard lock(mu_);
    Servers next;
    for (auto& s : servers) {
      if (!servers_.contains(s.id)) published_at_[s.id] = std::chrono::system_clock::now();
      next[s.id] = std::move(s);
    }
    for (const auto& [id, s] : servers_) {
      if (!next.contains(id)) removed_.push_back(id);
    }
    servers_ = std::move(next);
    changed();
  }
  void emit_event(const std::string&, plugin_host::Event) override {}
  model::SnapshotPtr latest_snapshot() override { return nullptr; }

  // Waits until `pred(servers)` holds; returns whether it did within `timeout`.
  bool wait_for(const std::function<bool(const Servers&)>& pred,
                std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return pred(servers_); });
  }
  bool wait_present(const std::string& id, std::chrono::milliseconds timeout) {
    return wait_for([&](const Servers& s) { return s.contains(id); }, timeout);
  }
  bool wait_absent(const std::string& id, std::chrono::milliseconds timeout) {
    return wait_for([&](const Servers& s) { return !s.contains(id); }, timeout);
  }
  Servers servers() {
    std::lock_guard lock(mu_);
    return servers_;
  }
  // When `id` last appeared in the registry (wall clock, to compare with dockerd's event times).
  std::chrono::system_clock::time_point published_at(const std::string& id) {
    std::lock_guard lock(mu_);
    return published_at_[id];
  }
  std::vector<std::string> removed() {
    std::lock_guard lock(mu_);
    return removed_;
  }
  // Log lines at `level` or above that contain `needle`.
  int count_logs(plugin_host::LogLevel level, const std::string& needle) {
    std::lock_guard lock(mu_);
    return count_logs_locked(level, needle);
  }
  // Waits until at least `n` such lines were logged.
  bool wait_logs(plugin_host::LogLevel level, const std::string& needle, int n,
                 std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return count_logs_locked(level, needle) >= n; });
  }
  std::string all_logs() {
    std::lock_guard lock(mu_);
    std::string out;
    for (const auto& [l, m] : logs_) out += m + "\n";
    return out;
  }

 private:
  void changed() { cv_.notify_all(); }
  int count_logs_locked(plugin_host::LogLevel level, const std::string& needle) const {
    int n = 0;
    for (const auto& [l, m] : logs_) n += l >= level && m.find(needle) != std::string::npos;
    return n;
  }

  std::mutex mu_;
  std::condition_variable cv_;
  Servers servers_;
  std::vector<std::string> statuses_;  // "status: detail", in the order they were set
  std::vector<std::string> removed_;
  std::map<std::string, std::chrono::system_clock::time_point> published_at_;
  std::vector<std::pair<plugin_host::LogLevel, std::string>> logs_;
};

}  // namespace flowlens::discovery_docker::testing
