/* SPDX-License-Identifier: BSD-2-Clause */
// Shared by the ABI tests: a HostServices that records every call, and a way to get a fixture
// into a directory the host trusts (the build tree may be group-writable).
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "plugin_host/host_services.h"

namespace flowlens::plugin_host::testing {

class RecordingServices : public HostServices {
 public:
  struct Call {
    std::string instance;
    std::string what;  // "add", "remove", "replace"
    std::vector<model::Server> servers;
    std::vector<std::string> ids;
  };

  void log(const std::string& instance, LogLevel, std::string_view message) override {
    std::lock_guard lock(mutex_);
    logs_.push_back(instance + ": " + std::string(message));
  }
  void add_servers(const std::string& instance, std::vector<model::Server> servers) override {
    std::lock_guard lock(mutex_);
    calls_.push_back({instance, "add", std::move(servers), {}});
  }
  void remove_servers(const std::string& instance, std::vector<std::string> ids) override {
    std::lock_guard lock(mutex_);
    calls_.push_back({instance, "remove", {}, std::move(ids)});
  }
  void replace_servers(const std::string& instance, std::vector<model::Server> servers) override {
    std::lock_guard lock(mutex_);
    calls_.push_back({instance, "replace", std::move(servers), {}});
  }
  void set_status(const std::string& instance, std::string status, std::string detail) override {
    std::lock_guard lock(mutex_);
    logs_.push_back(instance + ": status " + status + ": " + detail);
  }
  void emit_event(const std::string&, Event event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  model::SnapshotPtr latest_snapshot() override {
    std::lock_guard lock(mutex_);
    return snapshot_;
  }
  std::string health_json() override {
    std::lock_guard lock(mutex_);
    if (health_throws_) throw std::runtime_error("health exploded on purpose");
    return health_;
  }

  void set_health(std::string text, bool throws = false) {
    std::lock_guard lock(mutex_);
    health_ = std::move(text);
    health_throws_ = throws;
  }

  void set_snapshot(model::SnapshotPtr s) {
    std::lock_guard lock(mutex_);
    snapshot_ = std::move(s);
  }
  std::vector<std::string> logs() const {
    std::lock_guard lock(mutex_);
    return logs_;
  }
  bool logged(const std::string& needle) const {
    auto all = logs();
    return std::any_of(all.begin(), all.end(),
                       [&](const std::string& l) { return l.find(needle) != std::string::npos; });
  }
  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::vector<Event> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> logs_;
  std::vector<Call> calls_;
  std::vector<Event> events_;
  model::SnapshotPtr snapshot_;
  std::string health_ = "{}";
  bool health_throws_ = false;
};

// A fresh 0755 directory of our own, removed by the destructor.
class TrustedDir {
 public:
  TrustedDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "flowlens-abi-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
    std::filesystem::permissions(path_, std::filesystem::perms(0755));
  }
  ~TrustedDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

  // Copies fixture `name` (without .so) here as <as>.so with mode 0755; returns its path.
  std::filesystem::path add(const std::string& name, std::string as = "") const {
    if (as.empty()) as = name;
    std::filesystem::path to = path_ / (as + ".so");
    // Never overwrite: the copy may be mapped already, and rewriting a mapped library in place
    // corrupts the code of the running process.
    if (std::filesystem::exists(to)) return to;
    std::filesystem::copy_file(std::filesystem::path(FLOWLENS_ABI_FIXTURE_DIR) / (name + ".so"),
                               to);
    std::filesystem::permissions(to, std::filesystem::perms(0755));
    return to;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace flowlens::plugin_host::testing
