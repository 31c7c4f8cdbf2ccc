// SPDX-License-Identifier: BSD-2-Clause
// How packets are timed: the loader fits jiffies to CLOCK_MONOTONIC (so the program reads a
// clock without a helper call). What a user would notice if it were wrong is join and leave times
// off, or drifting; so the fit is checked on synthetic probe samples for every common HZ, and the
// loaded program's packet times are checked against CLOCK_MONOTONIC on the real kernel.
#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "bpf/jiffies_clock.h"
#include "bpf_harness.h"
#include "packet_builder.h"
#include "privileged.h"

namespace flowlens::testing {
namespace {

using bpf::ClockSample;
using bpf::fit_jiffies_clock;

constexpr uint64_t kMs = 1000000;
constexpr uint64_t kJiffies0 = 4294892296ULL;  // INITIAL_JIFFIES at HZ 250

uint64_t tick_of(unsigned hz) {
  return (1000000000ULL + hz / 2) / hz;
}

// What the probe would see sampling every `step_ns` for `span_ns` on a kernel ticking every
// `tick` ns, whose jiffy kJiffies0 began at `tick0_ns`, with the jiffies update landing
// `latency_ns` after each tick. A run starting at `stall_at_ns` is held up for `stall_ns` after its
// first jiffies read.
std::vector<ClockSample> probe_samples(uint64_t tick, uint64_t tick0_ns, uint64_t latency_ns,
                                       uint64_t step_ns = 1300, uint64_t span_ns = 50 * kMs,
                                       uint64_t stall_at_ns = 0, uint64_t stall_ns = 0) {
  auto jiffies_at = [&](uint64_t t) { return kJiffies0 + (t - tick0_ns - latency_ns) / tick; };
  std::vector<ClockSample> out;
  for (uint64_t t = tick0_ns + tick / 3; t < tick0_ns + span_ns; t += step_ns) {
    uint64_t held = stall_at_ns && t <= stall_at_ns && stall_at_ns < t + step_ns ? stall_ns : 0;
    uint64_t mono = t + 80 + held;
    out.push_back({jiffies_at(t), mono, jiffies_at(mono + 40)});
    t += held;
  }
  return out;
}

// The fitted time of the jiffy whose tick was at `truth_ns`: never after it, at most half a tick
// (the safety margin) and a sample step before it.
void expect_just_before(const bpf::JiffiesClock& c, uint64_t jiffies, uint64_t truth_ns) {
  EXPECT_LE(c.to_mono_ns(jiffies), truth_ns) << "ahead of the tick";
  EXPECT_GE(c.to_mono_ns(jiffies) + c.tick_ns / 2 + 2000, truth_ns) << "too far behind the tick";
}

TEST(JiffiesClockFit, FindsTheTickOfEveryCommonHzAndABaseJustBeforeTheTick) {
  const uint64_t tick0 = 12345 * kMs;
  for (unsigned hz : {100u, 250u, 300u, 1000u}) {
    SCOPED_TRACE("HZ " + std::to_string(hz));
    auto fit = fit_jiffies_clock(probe_samples(tick_of(hz), tick0, 2000));
    ASSERT_TRUE(fit) << fit.error().what();
    const auto& c = fit.value();
    EXPECT_EQ(c.hz, hz);
    EXPECT_EQ(c.tick_ns, tick_of(hz));
    expect_just_before(c, kJiffies0 + 10, tick0 + 10 * c.tick_ns);
  }
}

TEST(JiffiesClockFit, AProbeRunHeldUpAcrossATickIsLeftOut) {
  // Held up across the tick that begins jiffy j0 + 4: its clock read is 0.8 ms past that tick.
  const uint64_t tick0 = 500 * kMs, tick = 4 * kMs;
  auto samples = probe_samples(tick, tick0, 0, 1300, 50 * kMs, tick0 + 4 * tick - 100000, 900000);
  auto fit = fit_jiffies_clock(samples);
  ASSERT_TRUE(fit) << fit.error().what();
  EXPECT_EQ(fit.value().hz, 250u);
  expect_just_before(fit.value(), kJiffies0 + 6, tick0 + 6 * tick);
}

TEST(JiffiesClockFit, AnEdgeSeenThroughAGapIsLeftOut) {
  // The sampler was off the CPU for 3 ms around the tick of jiffy j0 + 5.
  const uint64_t tick0 = 700 * kMs, tick = 4 * kMs;
  auto samples = probe_samples(tick, tick0, 0);
  std::erase_if(samples, [&](const ClockSample& s) {
    return s.mono_ns > tick0 + 5 * tick - 1 * kMs && s.mono_ns < tick0 + 5 * tick + 2 * kMs;
  });
  auto fit = fit_jiffies_clock(samples);
  ASSERT_TRUE(fit) << fit.error().what();
  EXPECT_EQ(fit.value().hz, 250u);
  expect_just_before(fit.value(), kJiffies0 + 9, tick0 + 9 * tick);
}

TEST(JiffiesClockFit, CustomKernelHzIsKnown) {
  for (unsigned hz : {500u, 600u, 750u}) {
    auto fit = fit_jiffies_clock(probe_samples(tick_of(hz), 100 * kMs, 0));
    ASSERT_TRUE(fit) << "HZ " << hz << ": " << fit.error().what();
    EXPECT_EQ(fit.value().hz, hz);
  }
}

TEST(TickMode, OnlyOneshotPerCpuTicksAreAccepted) {
  const std::string broadcast =
      "Tick Device: mode:     0\nBroadcast device\n"
      "Clock Event Device: <NULL>\n\n";
  auto cpu = [](int n, int mode) {
    return "Tick Device: mode:     " + std::to_string(mode) +
           "\nPer CPU device: " + std::to_string(n) + "\nClock Event Device: lapic-deadline\n\n";
  };
  EXPECT_TRUE(bpf::check_oneshot_tick(broadcast + cpu(0, 1) + cpu(1, 1)));
  auto periodic = bpf::check_oneshot_tick(broadcast + cpu(0, 1) + cpu(1, 0));
  ASSERT_FALSE(periodic);
  EXPECT_NE(periodic.error().what().find("periodic"), std::string::npos);
  EXPECT_FALSE(bpf::check_oneshot_tick(broadcast));
  EXPECT_FALSE(bpf::check_oneshot_tick(""));
}

TEST(JiffiesClockFit, RefusesTooFewEdgesAnUnknownTickALateTickAndTimeGoingBack) {
  auto fit = fit_jiffies_clock(probe_samples(tick_of(100), 100 * kMs, 0, 1300, 12 * kMs));
  ASSERT_FALSE(fit);
  EXPECT_NE(fit.error().what().find("at least two"), std::string::npos) << fit.error().what();

  // A 3.7 ms jiffy is no CONFIG_HZ (250 is 4 ms, 300 is 3.33 ms).
  fit = fit_jiffies_clock(probe_samples(3700000, 100 * kMs, 0));
  ASSERT_FALSE(fit);
  EXPECT_NE(fit.error().what().find("matches no CONFIG_HZ"), std::string::npos)
      << fit.error().what();

  // One jiffies update landing 2 ms after its tick: jiffies did not keep time while sampled.
  const uint64_t tick0 = 100 * kMs, tick = 4 * kMs;
  auto late = probe_samples(tick, tick0, 0);
  for (auto& s : late) {
    if (s.mono_ns >= tick0 + 6 * tick && s.mono_ns < tick0 + 6 * tick + 2 * kMs)
      s.jiffies = s.jiffies_after = kJiffies0 + 5;
  }
  fit = fit_jiffies_clock(late);
  ASSERT_FALSE(fit);
  EXPECT_NE(fit.error().what().find("did not keep time"), std::string::npos) << fit.error().what();

  std::vector<ClockSample> back = {{10, 5 * kMs, 10}, {11, 4 * kMs, 11}, {12, 9 * kMs, 12}};
  fit = fit_jiffies_clock(back);
  ASSERT_FALSE(fit);
  EXPECT_NE(fit.error().what().find("backwards"), std::string::npos) << fit.error().what();
}

uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + ts.tv_nsec;
}

// CONFIG_HZ from /proc/config.gz, when the kernel exposes its config; 0 when it does not.
unsigned kernel_config_hz() {
  FILE* p = popen("zcat /proc/config.gz 2>/dev/null | grep '^CONFIG_HZ='", "r");
  if (!p) return 0;
  unsigned hz = 0;
  if (std::fscanf(p, "CONFIG_HZ=%u", &hz) != 1) hz = 0;
  pclose(p);
  return hz;
}

TEST(PacketClock, PacketTimesFollowMonotonicTimeWithinTwoTicksAndNeverAhead) {
  if (geteuid() != 0) FLOWLENS_PRIVILEGED_UNAVAILABLE("needs root to load BPF");
  auto dp = open_test_datapath();
  ASSERT_TRUE(dp) << dp.error().what();
  ASSERT_EQ(dp.value().clock().rfind("jiffies at HZ ", 0), 0u)
      << "this kernel has bpf_jiffies64, so the fit must succeed; got " << dp.value().clock();
  auto fit = bpf::calibrate_jiffies_clock();
  ASSERT_TRUE(fit) << fit.error().what();
  if (unsigned hz = kernel_config_hz()) {
    EXPECT_EQ(fit.value().hz, hz) << "/proc/config.gz";
  }
  const uint64_t tick = fit.value().tick_ns;

  std::vector<model::Endpoint> watched = {{27015, IPPROTO_UDP}};
  ASSERT_TRUE(dp.value().set_watched(watched));
  const auto frame = PacketBuilder().ipv4("192.0.2.77", "198.51.100.1").udp(40077, 27015).build();
  const auto key = flow_key("192.0.2.77", 40077, 27015, IPPROTO_UDP);
  const int prog = dp.value().program_fd(FLOWLENS_DIR_IN);
  run_frame(prog, frame, 2);  // admitted

  // Over about 300 ms, spread so the checks land at every phase of the tick.
  for (int i = 0; i < 60; ++i) {
    const uint64_t before = monotonic_ns();
    ASSERT_EQ(run_frame(prog, frame).err, 0);
    const uint64_t after = monotonic_ns();
    auto v = lookup_flow(dp.value().flow_map_fd(), key);
    ASSERT_TRUE(v);
    const uint64_t t = v->dir[FLOWLENS_DIR_IN].last_ns;
    EXPECT_LE(t, after) << "run " << i << ": packet time ahead of CLOCK_MONOTONIC";
    EXPECT_GE(t + 2 * tick, before) << "run " << i << ": packet time more than two ticks behind";
    std::this_thread::sleep_for(std::chrono::microseconds(4900 + 37 * i));
  }
}

}  // namespace
}  // namespace flowlens::testing
