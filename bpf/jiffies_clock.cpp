// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/jiffies_clock.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include "bpf/skeleton.h"
#include "flowlens_clock.skel.h"

namespace flowlens::bpf {
namespace {

constexpr uint64_t kNsPerSec = 1000000000ULL;
constexpr uint64_t kNsPerMs = 1000000ULL;
// CONFIG_HZ values of mainline (kernel/Kconfig.hz and the arch Kconfigs) and of the custom
// kernels game hosts run (500, 600, 750). The closest pairs, 250/256, 500/512 and 1000/1024, are
// 2.4% apart.
constexpr unsigned kKnownHz[] = {24,  32,  48,  64,  100, 128,  200,  250, 256,
                                 300, 500, 512, 600, 750, 1000, 1024, 1200};
// 50 ms of edges measure the tick to about 0.01%, far inside the 2.4% between neighbours.
constexpr double kHzTolerance = 0.01;
// Sampling goes on until the edges span this long: five ticks at HZ 100, fifty at HZ 1000.
constexpr uint64_t kSampleSpanNs = 50 * kNsPerMs;
constexpr auto kSampleLimit = std::chrono::milliseconds(250);
// A sampler descheduled across an edge sees it only through a wide gap; such edges are left out.
constexpr uint64_t kMaxEdgeGapNs = 50000;
// How far one tick's jiffies update may land from where the fitted clock puts it (timer interrupt
// latency) before the fit is refused, at most a quarter tick: a wrong HZ drifts past this.
constexpr uint64_t kMaxResidualNs = kNsPerMs / 2;
// A busy machine (a late timer interrupt, a stolen vCPU) can spoil a sampling run; the next one
// usually fits.
constexpr int kAttempts = 5;

// The kernel's TICK_NSEC for a CONFIG_HZ.
uint64_t tick_nsec(unsigned hz) {
  return (kNsPerSec + hz / 2) / hz;
}

Error clock_error(std::string message) {
  return Error{"clock", 0, std::move(message)};
}

// Consistent probe samples, kept in pairs around each jiffy edge (the ones in between add nothing).
Result<std::vector<ClockSample>> sample_edges(const Skeleton<flowlens_clock_bpf>& probe) {
  const int fd = bpf_program__fd(probe->progs.flowlens_clock_probe);
  const uint8_t frame[64] = {};  // any frame: the probe only reads clocks
  auto run = [&](ClockSample& s) -> Status {
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame));
    if (bpf_prog_test_run_opts(fd, &opts) != 0)
      return make_error("clock", -errno, "cannot run the clock probe");
    s = {probe->bss->flowlens_probe_jiffies, probe->bss->flowlens_probe_mono_ns,
         probe->bss->flowlens_probe_jiffies_after};
    return ok_status();
  };

  std::vector<ClockSample> kept;
  std::optional<ClockSample> prev;
  uint64_t first_edge_ns = 0;
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < kSampleLimit) {
    ClockSample cur;
    if (auto s = run(cur); !s) return s.error();
    if (!cur.consistent()) continue;
    if (prev && cur.jiffies != prev->jiffies) {
      kept.push_back(*prev);
      kept.push_back(cur);
      if (first_edge_ns == 0) first_edge_ns = cur.mono_ns;
      if (cur.mono_ns - first_edge_ns >= kSampleSpanNs) break;
    }
    prev = cur;
  }
  return kept;
}

}  // namespace

Result<JiffiesClock> fit_jiffies_clock(std::span<const ClockSample> s) {
  // An edge's tick fell between the two samples around it.
  struct Edge {
    uint64_t jiffies, before_ns, after_ns;
    double mid() const { return (static_cast<double>(before_ns) + after_ns) / 2; }
  };
  std::vector<Edge> edges;
  size_t seen = 0;
  const ClockSample* prev = nullptr;
  for (const ClockSample& cur : s) {
    if (!cur.consistent()) continue;  // its clock read may be from after the next tick
    if (prev && (cur.jiffies < prev->jiffies || cur.mono_ns < prev->mono_ns))
      return clock_error("probe samples go backwards");
    if (prev && cur.jiffies != prev->jiffies) {
      ++seen;
      if (cur.mono_ns - prev->mono_ns <= kMaxEdgeGapNs)
        edges.push_back({cur.jiffies, prev->mono_ns, cur.mono_ns});
    }
    prev = &cur;
  }
  if (edges.size() < 2)
    return clock_error("the probe saw jiffies change " + std::to_string(seen) + " time(s), " +
                       std::to_string(edges.size()) + " of them closely; at least two are needed");

  // Least squares of edge time against jiffies: one late timer interrupt barely moves the slope.
  const uint64_t j0 = edges.front().jiffies;
  const double t0 = edges.front().mid();
  double mean_x = 0, mean_y = 0;
  for (const Edge& e : edges) {
    mean_x += static_cast<double>(e.jiffies - j0) / static_cast<double>(edges.size());
    mean_y += (e.mid() - t0) / static_cast<double>(edges.size());
  }
  double sxy = 0, sxx = 0;
  for (const Edge& e : edges) {
    const double dx = static_cast<double>(e.jiffies - j0) - mean_x;
    sxy += dx * (e.mid() - t0 - mean_y);
    sxx += dx * dx;
  }
  const double measured = sxy / sxx;
  unsigned hz = 0;
  double off = std::numeric_limits<double>::infinity();
  for (unsigned candidate : kKnownHz) {
    double o = std::abs(measured / static_cast<double>(tick_nsec(candidate)) - 1.0);
    if (o < off) off = o, hz = candidate;
  }
  if (off > kHzTolerance)
    return clock_error("a jiffy lasted " + std::to_string(std::llround(measured)) +
                       " ns, which matches no CONFIG_HZ");

  JiffiesClock c;
  c.hz = hz;
  c.tick_ns = tick_nsec(hz);
  c.jiffies_base = j0;
  // Every edge must sit where the fitted tick puts it, give or take interrupt latency.
  std::vector<double> offsets;
  for (const Edge& e : edges)
    offsets.push_back(e.mid() - static_cast<double>((e.jiffies - j0) * c.tick_ns));
  std::vector<double> sorted = offsets;
  std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
  const double median = sorted[sorted.size() / 2];
  const double allowed = static_cast<double>(std::min(kMaxResidualNs, c.tick_ns / 4));
  for (double o : offsets)
    if (std::abs(o - median) > allowed)
      return clock_error("jiffies did not keep time with CLOCK_MONOTONIC at HZ " +
                         std::to_string(hz) + " (one tick " +
                         std::to_string(std::llround(std::abs(o - median) / 1000)) + " us off)");

  // Each edge bounds its jiffies update from below by the sample before it. The lowest bound,
  // less half a tick: updates land up to half a tick later on some CPUs than on others (skewed
  // ticks), and a packet time must not run ahead of CLOCK_MONOTONIC.
  int64_t base = std::numeric_limits<int64_t>::max();
  for (const Edge& e : edges)
    base = std::min(base, static_cast<int64_t>(e.before_ns) -
                              static_cast<int64_t>((e.jiffies - j0) * c.tick_ns));
  base -= static_cast<int64_t>(c.tick_ns / 2);
  if (base < 0) return clock_error("probe samples do not fit one clock");
  c.mono_base_ns = static_cast<uint64_t>(base);
  return c;
}

Status check_oneshot_tick(std::string_view timer_list) {
  // Each CPU's block starts "Tick Device: mode:     1" then "Per CPU device: N"; mode 0 is
  // TICKDEV_MODE_PERIODIC, 1 TICKDEV_MODE_ONESHOT. The broadcast device (often none) follows
  // the CPUs' mode and is not what updates jiffies, so it is not checked.
  constexpr std::string_view kMode = "Tick Device: mode:";
  constexpr std::string_view kPerCpu = "\nPer CPU device:";
  size_t cpus = 0;
  for (size_t at = timer_list.find(kMode); at != std::string_view::npos;
       at = timer_list.find(kMode, at + kMode.size())) {
    const size_t line_end = timer_list.find('\n', at);
    if (line_end == std::string_view::npos || timer_list.compare(line_end, kPerCpu.size(), kPerCpu))
      continue;
    const size_t v = timer_list.find_first_not_of(' ', at + kMode.size());
    if (timer_list[v] != '1')
      return clock_error(
          "a CPU's tick runs in periodic mode, where jiffies count interrupts and "
          "can drift from CLOCK_MONOTONIC");
    ++cpus;
  }
  if (cpus == 0) return clock_error("/proc/timer_list lists no per-CPU tick device");
  return ok_status();
}

Result<JiffiesClock> calibrate_jiffies_clock() {
  static std::mutex mu;
  static std::optional<JiffiesClock> known;
  std::lock_guard lock(mu);
  if (known) return *known;

  if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_jiffies64, nullptr) != 1)
    return clock_error("the kernel has no bpf_jiffies64 helper (5.5+)");
  std::ifstream timer_list("/proc/timer_list");
  if (!timer_list) return clock_error("cannot read /proc/timer_list to check the tick mode");
  const std::string text((std::istreambuf_iterator<char>(timer_list)),
                         std::istreambuf_iterator<char>());
  if (auto s = check_oneshot_tick(text); !s) return s.error();
  Skeleton<flowlens_clock_bpf> probe;
  if (auto s = probe.open(); !s) return s.error();
  if (auto s = probe.load(); !s) return s.error();
  Result<JiffiesClock> fitted = clock_error("not sampled");
  for (int attempt = 0; attempt < kAttempts && !fitted; ++attempt) {
    auto samples = sample_edges(probe);
    if (!samples) return samples.error();
    fitted = fit_jiffies_clock(samples.value());
    if (!fitted) spdlog::debug("jiffies fit, try {}: {}", attempt + 1, fitted.error().what());
  }
  if (fitted) known = fitted.value();
  return fitted;
}

std::string describe(const JiffiesClock& clock) {
  return "jiffies at HZ " + std::to_string(clock.hz);
}

}  // namespace flowlens::bpf
