/* SPDX-License-Identifier: BSD-2-Clause */
// Delivers snapshots and events to one sink instance on the sink's own thread, so a slow or
// stuck sink never stalls the estimator or another sink. Snapshots: a one-slot mailbox where the
// latest wins (a sink that falls behind skips to the newest). Events: a bounded queue that drops
// the oldest when full, counting drops. post_* never block on the sink.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "model/snapshot.h"
#include "plugin_host/host_services.h"
#include "plugin_host/plugin_instance.h"

namespace flowlens::plugin_host {

// Events are rare (threshold crossings); 1024 covers a burst across a thousand servers while
// bounding memory if a sink stops consuming.
inline constexpr size_t kDefaultEventQueueLimit = 1024;

struct SinkStats {
  uint64_t snapshots_delivered = 0;
  uint64_t snapshots_skipped = 0;  // replaced in the mailbox before the sink took them
  uint64_t snapshot_failures = 0;  // on_snapshot returned an error
  uint64_t events_delivered = 0;
  uint64_t events_dropped = 0;  // oldest dropped from a full queue
  uint64_t event_failures = 0;
};

class SinkRunner {
 public:
  // `sink` must be started before start() and outlive this runner. `services` receives the
  // sink's delivery failures as log lines (once per kind of failure in a row, not per tick).
  SinkRunner(PluginInstance& sink, HostServices& services,
             size_t event_queue_limit = kDefaultEventQueueLimit);
  ~SinkRunner();  // stop()
  SinkRunner(const SinkRunner&) = delete;
  SinkRunner& operator=(const SinkRunner&) = delete;

  void start();
  // Wakes the thread and joins it once the current callback returns. A sink stuck in a callback
  // for longer than `timeout` is abandoned: its thread is detached and false returned, and the
  // instance must then be leaked rather than stopped or destroyed.
  bool stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  void post_snapshot(model::SnapshotPtr snapshot);
  void post_event(Event event);

  SinkStats stats() const;
  const PluginInstance& sink() const { return sink_; }

 private:
  void run();

  PluginInstance& sink_;
  HostServices& services_;
  const size_t event_queue_limit_;

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  std::condition_variable finished_;
  model::SnapshotPtr mailbox_;
  std::deque<Event> events_;
  SinkStats stats_;
  bool stopping_ = false;
  bool running_ = false;  // the thread has not returned yet
  std::thread thread_;
};

}  // namespace flowlens::plugin_host
