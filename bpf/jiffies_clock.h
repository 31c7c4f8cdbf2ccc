/* SPDX-License-Identifier: BSD-2-Clause */
// How the kernel program times packets without a helper call. The verifier turns bpf_jiffies64()
// into a plain load, where bpf_ktime_get_coarse_ns() is a helper call costing about 20 ns, a
// quarter of what a watched packet costs in all. While the kernel's tick runs in oneshot mode
// (high-resolution timers or NO_HZ, as on any current distribution kernel), jiffies advance by
// exactly one every TICK_NSEC of CLOCK_MONOTONIC: the timekeeping code derives them from that
// clock. So once the loader knows the tick length and one (jiffies, monotonic) pair,
// `base + (jiffies - jiffies_base) * tick` is CLOCK_MONOTONIC at tick resolution, like
// bpf_ktime_get_coarse_ns(). A periodic hardware tick counts interrupts instead and can drift:
// the fit is refused there.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "bpf/result.h"

namespace flowlens::bpf {

struct JiffiesClock {
  uint64_t jiffies_base = 0;  // a jiffies value seen by the probe
  uint64_t mono_base_ns = 0;  // CLOCK_MONOTONIC half a tick before jiffies became jiffies_base
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
// saying why, with fewer than two edges, a tick that matches no known CONFIG_HZ within 1%, or an
// edge further from the fitted ticks than timer-interrupt latency explains. The base sits half a
// tick before the earliest jiffies update seen, so that a later update landing sooner after its
// tick (another CPU doing the timekeeping, skewed ticks) still leaves packet times behind
// CLOCK_MONOTONIC: they lag it by half a tick to a tick and a half.
Result<JiffiesClock> fit_jiffies_clock(std::span<const ClockSample> samples);

// Ok when every tick device in /proc/timer_list (`text`) runs in oneshot mode, else why not.
Status check_oneshot_tick(std::string_view timer_list);

// Checks the tick mode, runs the probe for about 50 ms (up to five tries of at most 250 ms) and
// fits the clock. A fit is kept for the life of the process: the relation holds until reboot.
Result<JiffiesClock> calibrate_jiffies_clock();

// "jiffies at HZ 250", for the log line saying how packets are timed.
std::string describe(const JiffiesClock& clock);

}  // namespace flowlens::bpf
