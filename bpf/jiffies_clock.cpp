#include "bpf/jiffies_clock.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include "bpf/skeleton.h"
#include "flowlens_clock.skel.h"

namespace flowlens::bpf {
namespace {

constexpr uint64_t kNsPerSec = 1000000000ULL;
// Every CONFIG_HZ a Linux architecture offers (kernel/Kconfig.hz and the arch Kconfigs).
constexpr unsigned kKnownHz[] = {24, 32, 48, 64, 100, 128, 250, 256, 300, 512, 1000, 1024, 1200};
// 250 and 256 (1000 and 1024) are 2.4% apart; a 30 ms measurement is good to well under 0.1%.
constexpr double kHzTolerance = 0.01;
// Sampling goes on until the edges span this long: several ticks at any HZ but the lowest.
constexpr uint64_t kSampleSpanNs = 30 * 1000000ULL;
constexpr auto kSampleLimit = std::chrono::milliseconds(250);

// The kernel's TICK_NSEC for a CONFIG_HZ.
uint64_t tick_nsec(unsigned hz) {
  return (kNsPerSec + hz / 2) / hz;
}

Error clock_error(std::string message) {
  return Error{"clock", 0, std::move(message)};
}

// Probe samples kept in pairs around each jiffy edge (the samples in between add nothing).
Result<std::vector<ClockSample>> sample_edges(const Skeleton<flowlens_clock_bpf>& probe) {
  const int fd = bpf_program__fd(probe->progs.flowlens_clock_probe);
  const uint8_t frame[64] = {};  // any frame: the probe only reads clocks
  auto run = [&](ClockSample& s) -> Status {
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame));
    if (bpf_prog_test_run_opts(fd, &opts) != 0)
      return make_error("clock", -errno, "cannot run the clock probe");
    s = {probe->bss->flowlens_probe_jiffies, probe->bss->flowlens_probe_mono_ns};
    return ok_status();
  };

  std::vector<ClockSample> kept;
  ClockSample prev, cur;
  if (auto s = run(prev); !s) return s.error();
  const auto start = std::chrono::steady_clock::now();
  uint64_t first_edge_ns = 0;
  while (std::chrono::steady_clock::now() - start < kSampleLimit) {
    if (auto s = run(cur); !s) return s.error();
    if (cur.jiffies != prev.jiffies) {
      kept.push_back(prev);
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
  std::vector<size_t> edges;
  for (size_t i = 1; i < s.size(); ++i) {
    if (s[i].jiffies < s[i - 1].jiffies || s[i].mono_ns < s[i - 1].mono_ns)
      return clock_error("probe samples go backwards");
    if (s[i].jiffies != s[i - 1].jiffies) edges.push_back(i);
  }
  if (edges.size() < 2)
    return clock_error("the probe saw jiffies change " + std::to_string(edges.size()) +
                       " time(s); at least two are needed");

  // An edge's tick fell between the two samples around it; the midpoint is its best estimate.
  auto mid = [&](size_t i) { return (s[i - 1].mono_ns + s[i].mono_ns) / 2.0; };
  const size_t a = edges.front(), b = edges.back();
  const double measured = (mid(b) - mid(a)) / static_cast<double>(s[b].jiffies - s[a].jiffies);
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
  c.jiffies_base = s[a].jiffies;
  // Each edge bounds the base tick from below by the sample before it. The lowest bound wins: a
  // probe run interrupted between its two reads can only push its own bound too high, and a
  // clock that is never ahead of CLOCK_MONOTONIC keeps "now - last packet" from going negative.
  int64_t base = std::numeric_limits<int64_t>::max();
  for (size_t i : edges) {
    int64_t bound = static_cast<int64_t>(s[i - 1].mono_ns) -
                    static_cast<int64_t>((s[i].jiffies - c.jiffies_base) * c.tick_ns);
    base = std::min(base, bound);
  }
  if (base < 0) return clock_error("probe samples do not fit one clock");
  c.mono_base_ns = static_cast<uint64_t>(base);
  return c;
}

Result<JiffiesClock> calibrate_jiffies_clock() {
  static std::mutex mu;
  static std::optional<JiffiesClock> known;
  std::lock_guard lock(mu);
  if (known) return *known;

  if (libbpf_probe_bpf_helper(BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_jiffies64, nullptr) != 1)
    return clock_error("the kernel has no bpf_jiffies64 helper (5.5+)");
  Skeleton<flowlens_clock_bpf> probe;
  if (auto s = probe.open(); !s) return s.error();
  if (auto s = probe.load(); !s) return s.error();
  auto samples = sample_edges(probe);
  if (!samples) return samples.error();
  auto fitted = fit_jiffies_clock(samples.value());
  if (fitted) known = fitted.value();
  return fitted;
}

std::string describe(const JiffiesClock& clock) {
  return "jiffies (HZ " + std::to_string(clock.hz) + ")";
}

}  // namespace flowlens::bpf
