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

// One run of the probe program (bpf/flowlens_clock.bpf.c): jiffies, then CLOCK_MONOTONIC.
struct ClockSample {
  uint64_t jiffies = 0;
  uint64_t mono_ns = 0;
};

// Fits the clock to probe samples in time order, where a sample whose jiffies differ from the one
// before it was taken right after that earlier one (an edge). Fails, saying why, when fewer than
// two edges were seen or the measured tick matches no CONFIG_HZ Linux offers within 1%.
Result<JiffiesClock> fit_jiffies_clock(std::span<const ClockSample> samples);

// Runs the probe for a few ticks (about 30 ms, at most 250 ms) and fits the clock. The result is
// kept for the life of the process: the relation holds until the machine reboots.
Result<JiffiesClock> calibrate_jiffies_clock();

// "jiffies (HZ 250)", for the log line saying how packets are timed.
std::string describe(const JiffiesClock& clock);

}  // namespace flowlens::bpf
