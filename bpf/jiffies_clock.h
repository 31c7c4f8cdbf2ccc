// How the kernel program times packets without a helper call. The verifier turns bpf_jiffies64()
// into a plain load, where bpf_ktime_get_coarse_ns() is a helper call costing about 20 ns, a
// quarter of what a watched packet costs in all. Jiffies advance by exactly one every TICK_NSEC
// of CLOCK_MONOTONIC for the whole boot, so once the loader knows the tick length and one
// (jiffies, monotonic) pair, `base + (jiffies - jiffies_base) * tick` is the same clock as
// bpf_ktime_get_coarse_ns(): CLOCK_MONOTONIC at tick resolution.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "bpf/result.h"

namespace flowlens::bpf {

struct JiffiesClock {
  uint64_t jiffies_base = 0;  // a jiffies value seen by the probe
  uint64_t mono_base_ns = 0;  // CLOCK_MONOTONIC no later than the tick that began jiffies_base
  uint64_t tick_ns = 0;       // the kernel's TICK_NSEC, from a known CONFIG_HZ
  unsigned hz = 0;            // that CONFIG_HZ

  uint64_t to_mono_ns(uint64_t jiffies) const {
    return mono_base_ns + (jiffies - jiffies_base) * tick_ns;
  }
};

// One run of the probe program (bpf/flowlens_clock.bpf.c): jiffies, CLOCK_MONOTONIC, jiffies.
struct ClockSample {
  uint64_t jiffies = 0;
  uint64_t mono_ns = 0;
  uint64_t jiffies_after = 0;  // differs from `jiffies` when a tick fell inside the run

  bool consistent() const { return jiffies == jiffies_after; }
};

// Fits the clock to probe samples in time order; a jiffies change between two consistent samples
// taken back to back (an edge) brackets a tick. Edges seen through a wide gap are left out. Fails,
// saying why, with fewer than two edges, a tick that matches no CONFIG_HZ Linux offers within 1%,
// or an edge further from the fitted ticks than timer-interrupt latency explains.
Result<JiffiesClock> fit_jiffies_clock(std::span<const ClockSample> samples);

// Runs the probe for about 50 ms (at most three tries of 250 ms) and fits the clock. The result is
// kept for the life of the process: the relation holds until the machine reboots.
Result<JiffiesClock> calibrate_jiffies_clock();

// "jiffies at HZ 250", for the log line saying how packets are timed.
std::string describe(const JiffiesClock& clock);

}  // namespace flowlens::bpf
