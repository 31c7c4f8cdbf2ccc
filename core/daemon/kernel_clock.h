/* SPDX-License-Identifier: BSD-2-Clause */
// The clock the kernel program stamps packets with, read from userspace. Both are CLOCK_MONOTONIC,
// but a process in a time namespace (a container, `unshare --time`) reads it shifted by the
// namespace's offset while the kernel program does not: flows would look that much older or
// younger, and every player gone. The offset is read once from /proc/self/timens_offsets.
#pragma once

#include <cstdint>

namespace flowlens::daemon {

class KernelClock {
 public:
  // Reads the offset of this process's time namespace (0 without one, or on a kernel without
  // time namespaces).
  KernelClock();

  // CLOCK_MONOTONIC as the kernel program sees it, in nanoseconds.
  uint64_t now_ns() const;
  // What this process's CLOCK_MONOTONIC is ahead of the kernel's (negative: behind).
  int64_t offset_ns() const { return offset_ns_; }

 private:
  int64_t offset_ns_ = 0;
};

}  // namespace flowlens::daemon
