// SPDX-License-Identifier: BSD-2-Clause
#include "plugin_host/sink_runner.h"

#include <string>
#include <utility>

#include "plugin_host/snapshot_view.h"

namespace flowlens::plugin_host {

SinkRunner::SinkRunner(PluginInstance& sink, HostServices& services, size_t event_queue_limit)
    : sink_(sink), services_(services), event_queue_limit_(event_queue_limit) {}

SinkRunner::~SinkRunner() {
  stop();
}

void SinkRunner::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || running_) return;
  stopping_ = false;
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

bool SinkRunner::stop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!thread_.joinable()) return true;
  stopping_ = true;
  wake_.notify_all();
  if (!finished_.wait_for(lock, timeout, [this] { return !running_; })) {
    // The thread still references this object: it was told to stop and only touches members
    // after its callback returns, under the lock, which a detached thread may do after we are
    // gone. Keeping the object alive is the owner's job in that case (see the header).
    thread_.detach();
    return false;
  }
  lock.unlock();
  thread_.join();
  return true;
}

void SinkRunner::post_snapshot(model::SnapshotPtr snapshot) {
  std::lock_guard lock(mutex_);
  if (mailbox_) ++stats_.snapshots_skipped;
  mailbox_ = std::move(snapshot);
  wake_.notify_one();
}

void SinkRunner::post_event(Event event) {
  std::lock_guard lock(mutex_);
  if (events_.size() >= event_queue_limit_) {
    events_.pop_front();
    ++stats_.events_dropped;
  }
  events_.push_back(std::move(event));
  wake_.notify_one();
}

SinkStats SinkRunner::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void SinkRunner::run() {
  bool snapshot_failing = false;
  bool event_failing = false;
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || mailbox_ || !events_.empty(); });
    if (stopping_) break;
    // Events first: they are ordered and bounded, a snapshot is just the latest state.
    if (!events_.empty()) {
      Event event = std::move(events_.front());
      events_.pop_front();
      lock.unlock();
      std::string error;
      flowlens_status st = sink_.deliver_event(event, error);
      if (st != FLOWLENS_OK && !event_failing) {
        services_.log(sink_.name(), LogLevel::kError, "on_event failed: " + error);
      }
      event_failing = st != FLOWLENS_OK;
      lock.lock();
      ++(st == FLOWLENS_OK ? stats_.events_delivered : stats_.event_failures);
      continue;
    }
    model::SnapshotPtr snapshot = std::move(mailbox_);
    mailbox_.reset();
    lock.unlock();
    std::string error;
    flowlens_status st = sink_.deliver_snapshot(SnapshotView(snapshot), error);
    // Log a failing sink once when it starts failing and once when it recovers, not every tick.
    if (st != FLOWLENS_OK && !snapshot_failing) {
      services_.log(sink_.name(), LogLevel::kError, "on_snapshot failed: " + error);
    } else if (st == FLOWLENS_OK && snapshot_failing) {
      services_.log(sink_.name(), LogLevel::kInfo, "on_snapshot succeeds again");
    }
    snapshot_failing = st != FLOWLENS_OK;
    lock.lock();
    ++(st == FLOWLENS_OK ? stats_.snapshots_delivered : stats_.snapshot_failures);
  }
  running_ = false;
  finished_.notify_all();
}

}  // namespace flowlens::plugin_host
