// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/kernel_clock.h"

#include <chrono>
#include <fstream>
#include <string>

namespace flowlens::daemon {

KernelClock::KernelClock() {
  // Lines "monotonic SECONDS NANOSECONDS" and "boottime ..." (Linux 5.6+, CONFIG_TIME_NS).
  std::ifstream in("/proc/self/timens_offsets");
  std::string clock;
  int64_t seconds = 0, nanoseconds = 0;
  while (in >> clock >> seconds >> nanoseconds) {
    if (clock == "monotonic") offset_ns_ = seconds * 1'000'000'000 + nanoseconds;
  }
}

uint64_t KernelClock::now_ns() const {
  // steady_clock is CLOCK_MONOTONIC on Linux.
  const int64_t ours = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::steady_clock::now().time_since_epoch())
                           .count();
  return static_cast<uint64_t>(ours - offset_ns_);
}

}  // namespace flowlens::daemon
