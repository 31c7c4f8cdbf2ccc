/* SPDX-License-Identifier: BSD-2-Clause */
// What the daemon offers plugins, as a C++ interface. The daemon implements it once; the plugin
// host turns each instance's C calls (flowlens_host_api) into calls on it, tagged with the
// instance's name. Methods may be called from any plugin thread concurrently, so the
// implementation must be thread-safe; it may throw (std::invalid_argument for a bad argument),
// and the plugin receives a status and the message instead.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/server.h"
#include "model/snapshot.h"

namespace flowlens::plugin_host {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError };

// A threshold crossed, a server emptied, ...: emitted by the core or a plugin, delivered to sinks.
struct Event {
  uint32_t kind = 0;  // FLOWLENS_EVENT_*
  std::string message;
  std::string server_id;  // empty: about no server
  double value = 0;
  int64_t timestamp_unix_ms = 0;
  std::string source;  // emitting instance, or "core"
};

class HostServices {
 public:
  virtual ~HostServices() = default;

  virtual void log(const std::string& instance, LogLevel level, std::string_view message) = 0;
  // Servers published by `instance`: add or update by id, remove by id, or replace its whole set.
  virtual void add_servers(const std::string& instance, std::vector<model::Server> servers) = 0;
  virtual void remove_servers(const std::string& instance, std::vector<std::string> ids) = 0;
  virtual void replace_servers(const std::string& instance, std::vector<model::Server> servers) = 0;
  // `event.source` and a zero timestamp are already filled in. Must not block.
  virtual void emit_event(const std::string& instance, Event event) = 0;
  // nullptr before the first tick.
  virtual model::SnapshotPtr latest_snapshot() = 0;
  // The daemon's health as a JSON object text (fields: health_json in flowlens/plugin.h). Not
  // pure, so services that have no daemon behind them (tests, tools) need not provide it.
  virtual std::string health_json() { return "{}"; }
  // What `instance` says about its own condition (flowlens_host_api.set_status); shown in the
  // health. Services without a health to show ignore it.
  virtual void set_status(const std::string& instance, std::string status, std::string detail) {
    (void)instance;
    (void)status;
    (void)detail;
  }
  // `instance` can no longer do its work: one of its own threads ended by an error
  // (flowlens_host_api.report_failure). Services with a health to show mark it failed there;
  // these log it.
  virtual void report_failure(const std::string& instance, std::string message) {
    log(instance, LogLevel::kError, message);
  }
  // What a stopped `instance` said of itself (status, failure) does not hold for the next
  // instance of that name.
  virtual void forget(const std::string& instance) { (void)instance; }
  // How often polling discovery plugins rescan (core.discovery_interval), handed to every plugin
  // in flowlens_host_api.discovery_interval_ms.
  virtual std::chrono::milliseconds discovery_interval() const { return kDefaultDiscoveryInterval; }
  static constexpr std::chrono::milliseconds kDefaultDiscoveryInterval{30'000};
};

}  // namespace flowlens::plugin_host
