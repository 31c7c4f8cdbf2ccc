// SPDX-License-Identifier: BSD-2-Clause
// Counts stay exact when the same flow's packets run on two CPUs at once: two threads pinned to
// CPU 0 and CPU 1 drive BPF_PROG_TEST_RUN (which runs the program on the calling CPU).
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <thread>

#include "bpf_harness.h"
#include "packet_builder.h"
#include "privileged.h"

namespace flowlens::testing {
namespace {

constexpr uint16_t kPort = 27015;
constexpr uint32_t kRepeat = 100000;    // per BPF_PROG_TEST_RUN call
constexpr int kRounds = 5;              // calls per thread
constexpr int kFreshFlows = 300;        // flows both CPUs open at the same moment
constexpr uint32_t kPerFreshFlow = 50;  // packets per CPU on each fresh flow

bool pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

class MultiCpu : public ::testing::Test {
 protected:
  void SetUp() override {
    FLOWLENS_REQUIRE_ROOT();
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) FLOWLENS_PRIVILEGED_UNAVAILABLE("needs two CPUs");
    auto dp = open_test_datapath(4096, 4096);
    ASSERT_TRUE(dp) << dp.error().what();
    dp_.emplace(std::move(dp.value()));
    std::vector<model::Endpoint> watched = {{kPort, IPPROTO_UDP}};
    ASSERT_TRUE(dp_->set_watched(watched));
  }

  // Runs fn(cpu) on CPU 0 and CPU 1 concurrently; returns false if pinning failed.
  template <class Fn>
  bool on_both_cpus(Fn fn) {
    std::atomic<bool> pinned{true};
    auto body = [&](int cpu) {
      if (!pin_to_cpu(cpu)) pinned = false;
      fn(cpu);
    };
    std::thread a(body, 0), b(body, 1);
    a.join();
    b.join();
    return pinned;
  }

  std::optional<bpf::Datapath> dp_;
};

TEST_F(MultiCpu, SameFlowFromTwoCpusCountsEveryPacketAndByte) {
  auto frame = PacketBuilder()
                   .ipv4("192.0.2.7", "198.51.100.1")
                   .udp(50000, kPort)
                   .payload({0xff, 0xff, 0xff, 0xff, 'T'})
                   .build();
  std::atomic<int> failures{0};
  ASSERT_TRUE(on_both_cpus([&](int) {
    for (int i = 0; i < kRounds; ++i)
      if (run_frame(dp_->program_fd(FLOWLENS_DIR_IN), frame, kRepeat).err) ++failures;
  })) << "cannot pin threads to CPU 0 and 1";
  ASSERT_EQ(failures, 0);

  auto v = lookup_flow(dp_->flow_map_fd(), flow_key("192.0.2.7", 50000, kPort, IPPROTO_UDP));
  ASSERT_TRUE(v);
  const uint64_t want = 2ULL * kRounds * kRepeat;
  EXPECT_EQ(v->dir[FLOWLENS_DIR_IN].packets, want);
  EXPECT_EQ(v->dir[FLOWLENS_DIR_IN].bytes, want * frame.size());
  EXPECT_EQ(v->query_packets, want);
}

TEST_F(MultiCpu, IngressOnOneCpuEgressOnTheOtherStayExact) {
  auto in = PacketBuilder().ipv6("2001:db8::7", "2001:db8::1").udp(50001, kPort).build();
  auto out = PacketBuilder()
                 .ipv6("2001:db8::1", "2001:db8::7")
                 .udp(kPort, 50001)
                 .payload_size(200)
                 .build();
  ASSERT_TRUE(on_both_cpus([&](int cpu) {
    for (int i = 0; i < kRounds; ++i)
      run_frame(dp_->program_fd(cpu == 0 ? FLOWLENS_DIR_IN : FLOWLENS_DIR_OUT), cpu == 0 ? in : out,
                kRepeat);
  }));
  auto v = lookup_flow(dp_->flow_map_fd(), flow_key("2001:db8::7", 50001, kPort, IPPROTO_UDP));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->dir[FLOWLENS_DIR_IN].packets, 1ULL * kRounds * kRepeat);
  EXPECT_EQ(v->dir[FLOWLENS_DIR_OUT].packets, 1ULL * kRounds * kRepeat);
  EXPECT_EQ(v->dir[FLOWLENS_DIR_OUT].bytes, 1ULL * kRounds * kRepeat * out.size());
}

// The probation handover is the racy part: both CPUs see a flow's first packets at once.
TEST_F(MultiCpu, FlowsOpenedOnTwoCpusAtOnceLoseNoPacketInAdmission) {
  std::barrier sync(2);
  ASSERT_TRUE(on_both_cpus([&](int) {
    for (int f = 0; f < kFreshFlows; ++f) {
      auto frame = PacketBuilder()
                       .ipv4("192.0.2.8", "198.51.100.1")
                       .udp(static_cast<uint16_t>(20000 + f), kPort)
                       .build();
      sync.arrive_and_wait();
      run_frame(dp_->program_fd(FLOWLENS_DIR_IN), frame, kPerFreshFlow);
    }
  }));
  int wrong = 0;
  for (int f = 0; f < kFreshFlows; ++f) {
    auto v = lookup_flow(dp_->flow_map_fd(), flow_key("192.0.2.8", static_cast<uint16_t>(20000 + f),
                                                      kPort, IPPROTO_UDP));
    if (!v || v->dir[FLOWLENS_DIR_IN].packets != 2 * kPerFreshFlow) {
      ++wrong;
      ADD_FAILURE() << "flow " << f << ": " << (v ? describe(*v) : std::string("missing"));
    }
    if (wrong > 5) break;
  }
  EXPECT_EQ(probation_flows(dp_->probation_map_fd()).size(), 0u) << "every flow left probation";
}

}  // namespace
}  // namespace flowlens::testing
