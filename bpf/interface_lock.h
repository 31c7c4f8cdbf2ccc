/* SPDX-License-Identifier: BSD-2-Clause */
// One flowlensd per interface. A second daemon attaching to the same interface would replace the
// first one's TC filters (same handle and priority) and, when it exits, leave the first counting
// nothing while it still reports itself attached. The lock is an flock on a file named for the
// network namespace and the interface under /run/flowlens, so the kernel releases it when the
// holder dies, SIGKILL included: no stale lock can block a restart. The file also remembers
// whether the holder created the interface's clsact qdisc, so the run after a SIGKILL removes the
// qdisc on exit instead of keeping it for ever as "already present".
#pragma once

#include <string>

#include "bpf/result.h"

namespace flowlens::bpf {

inline constexpr const char* kLockDir = "/run/flowlens";

class InterfaceLock {
 public:
  // Takes the lock for `ifname` in the calling thread's network namespace, or fails naming the
  // process that holds it.
  static Result<InterfaceLock> acquire(const std::string& ifname);

  InterfaceLock(InterfaceLock&& other) noexcept;
  InterfaceLock& operator=(InterfaceLock&& other) noexcept;
  InterfaceLock(const InterfaceLock&) = delete;
  InterfaceLock& operator=(const InterfaceLock&) = delete;
  ~InterfaceLock();

  // The previous holder (a run that was killed) recorded that it created the clsact qdisc.
  bool previous_created_clsact() const { return previous_created_clsact_; }
  // Records for the next run whether the clsact qdisc on the interface is ours to remove.
  void record_clsact(bool created) noexcept;

 private:
  InterfaceLock() = default;
  int fd_ = -1;
  bool previous_created_clsact_ = false;
};

}  // namespace flowlens::bpf
