// SPDX-License-Identifier: BSD-2-Clause
// The loader's promises to the daemon: pinned maps survive a restart (and a mismatched pin is
// replaced), the watched set is replaced exactly, the flow reader sees and erases what the kernel
// holds, the default-route interface is found, and missing privileges give one clear line.
#include <bpf/bpf.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bpf/default_route.h"
#include "bpf_harness.h"
#include "packet_builder.h"
#include "privileged.h"

namespace flowlens::testing {
namespace {

constexpr uint16_t kPort = 27015;

bpf::DatapathConfig pinned_config(const std::string& dir, uint32_t map_size) {
  bpf::DatapathConfig cfg;
  cfg.attach = false;
  cfg.pin_dir = dir;
  cfg.map_size = map_size;
  cfg.probation_size = 256;
  return cfg;
}

std::vector<uint8_t> player_frame() {
  return PacketBuilder().ipv4("192.0.2.50", "198.51.100.1").udp(41000, kPort).build();
}
flowlens_flow_key player_key() {
  return flow_key("192.0.2.50", 41000, kPort, IPPROTO_UDP);
}

class Pinning : public ::testing::Test {
 protected:
  void SetUp() override { FLOWLENS_REQUIRE_ROOT(); }
  void TearDown() override { (void)bpf::Datapath::remove_pins(dir_); }
  const std::string dir_ = "/sys/fs/bpf/flowlens-test-" + std::to_string(getpid());
};

TEST_F(Pinning, RestartReusesPinnedMapsAndKeepsCountsAndWatchedPorts) {
  {
    auto dp = bpf::Datapath::open(pinned_config(dir_, 512));
    ASSERT_TRUE(dp) << dp.error().what();
    ASSERT_EQ(dp.value().pin_dir(), dir_) << "bpffs is mounted (by the loader if need be)";
    std::vector<model::Endpoint> watched = {{kPort, IPPROTO_UDP}};
    ASSERT_TRUE(dp.value().set_watched(watched));
    run_frame(dp.value().program_fd(FLOWLENS_DIR_IN), player_frame(), 7);
  }  // like a crash: nothing unpinned
  ASSERT_TRUE(std::filesystem::exists(dir_ + "/flowlens_flows"));

  auto dp = bpf::Datapath::open(pinned_config(dir_, 512));
  ASSERT_TRUE(dp) << dp.error().what();
  auto v = lookup_flow(dp.value().flow_map_fd(), player_key());
  ASSERT_TRUE(v) << "the flow counted before the restart is still there";
  EXPECT_EQ(v->dir[FLOWLENS_DIR_IN].packets, 7u);
  // Watched ports came back from the pinned map without set_watched: packets still count.
  run_frame(dp.value().program_fd(FLOWLENS_DIR_IN), player_frame(), 3);
  EXPECT_EQ(lookup_flow(dp.value().flow_map_fd(), player_key())->dir[FLOWLENS_DIR_IN].packets, 10u);
}

TEST_F(Pinning, PinWithOtherMaxEntriesIsReplacedNotAnError) {
  {
    auto dp = bpf::Datapath::open(pinned_config(dir_, 512));
    ASSERT_TRUE(dp) << dp.error().what();
    std::vector<model::Endpoint> watched = {{kPort, IPPROTO_UDP}};
    ASSERT_TRUE(dp.value().set_watched(watched));
    run_frame(dp.value().program_fd(FLOWLENS_DIR_IN), player_frame(), 2);
  }
  auto dp = bpf::Datapath::open(pinned_config(dir_, 2048));
  ASSERT_TRUE(dp) << dp.error().what();
  bpf_map_info info{};
  __u32 len = sizeof(info);
  ASSERT_EQ(bpf_obj_get_info_by_fd(dp.value().flow_map_fd(), &info, &len), 0);
  EXPECT_EQ(info.max_entries, 2048u);
  EXPECT_FALSE(lookup_flow(dp.value().flow_map_fd(), player_key())) << "a fresh map";
}

// An upgrade meets the flow map pinned by the previous version, whose records were smaller. The
// start must go on with a fresh map and the log must say why the old counts are gone.
TEST_F(Pinning, PinWithAnOlderRecordLayoutIsReplacedAndTheLogSaysWhy) {
  { ASSERT_TRUE(bpf::Datapath::open(pinned_config(dir_, 512))); }
  const std::string pin = dir_ + "/flowlens_flows";
  ASSERT_EQ(unlink(pin.c_str()), 0);
  // The layout before refused_ns: 8 bytes shorter.
  const uint32_t old_value = sizeof(flowlens_flow_value) - sizeof(__u64);
  int old_fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "flowlens_flows", sizeof(flowlens_flow_key),
                              old_value, 512, nullptr);
  ASSERT_GE(old_fd, 0) << std::strerror(errno);
  ASSERT_EQ(bpf_obj_pin(old_fd, pin.c_str()), 0) << std::strerror(errno);
  close(old_fd);

  std::ostringstream log;
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
  auto dp = bpf::Datapath::open(pinned_config(dir_, 512));
  spdlog::set_default_logger(previous);
  ASSERT_TRUE(dp) << dp.error().what();

  bpf_map_info info{};
  __u32 len = sizeof(info);
  ASSERT_EQ(bpf_obj_get_info_by_fd(dp.value().flow_map_fd(), &info, &len), 0);
  EXPECT_EQ(info.value_size, sizeof(flowlens_flow_value));
  EXPECT_NE(log.str().find("pinned map " + pin + " does not match"), std::string::npos)
      << log.str();
  EXPECT_NE(log.str().find(std::to_string(old_value) + " != "), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("counts are lost"), std::string::npos) << log.str();

  std::vector<model::Endpoint> watched = {{kPort, IPPROTO_UDP}};
  ASSERT_TRUE(dp.value().set_watched(watched));
  run_frame(dp.value().program_fd(FLOWLENS_DIR_IN), player_frame(), 2);
  EXPECT_TRUE(lookup_flow(dp.value().flow_map_fd(), player_key())) << "the new map counts";
}

TEST(WatchedPorts, ReplaceAddsNewRemovesStaleAndStopsCounting) {
  FLOWLENS_REQUIRE_ROOT();
  auto dp = open_test_datapath();
  ASSERT_TRUE(dp) << dp.error().what();
  auto& d = dp.value();
  std::vector<model::Endpoint> first = {{kPort, IPPROTO_UDP}, {25565, IPPROTO_TCP}};
  std::vector<model::Endpoint> second = {{25565, IPPROTO_TCP}, {7777, IPPROTO_UDP}};
  ASSERT_TRUE(d.set_watched(first));
  ASSERT_TRUE(d.set_watched(second));
  auto now = d.watched().current();
  ASSERT_TRUE(now);
  std::vector<model::Endpoint> got;
  for (const auto& w : now.value()) got.push_back(w.endpoint);
  std::sort(got.begin(), got.end());
  std::sort(second.begin(), second.end());
  EXPECT_EQ(got, second);

  run_frame(d.program_fd(FLOWLENS_DIR_IN), player_frame(), 2);  // 27015 no longer watched
  EXPECT_TRUE(map_keys(d.flow_map_fd()).empty());
  auto to_7777 = PacketBuilder().ipv4("192.0.2.50", "198.51.100.1").udp(41000, 7777).build();
  run_frame(d.program_fd(FLOWLENS_DIR_IN), to_7777, 2);
  EXPECT_EQ(map_keys(d.flow_map_fd()).size(), 1u);

  std::vector<model::Endpoint> icmp = {{1, IPPROTO_ICMP}};
  EXPECT_FALSE(d.set_watched(icmp)) << "only TCP and UDP can be watched";
}

TEST(FlowMapReader, ReadsEveryFlowInBatchesAndErasesOnlyTheGivenKeys) {
  FLOWLENS_REQUIRE_ROOT();
  constexpr int kFlows = 10000;
  auto dp = open_test_datapath(16384);
  ASSERT_TRUE(dp) << dp.error().what();
  auto& d = dp.value();
  std::vector<flowlens_flow_key> keys;
  for (int i = 0; i < kFlows; ++i) {
    flowlens_flow_key k = flow_key("2001:db8::" + std::to_string(i % 9000 + 1),
                                   static_cast<uint16_t>(1024 + i), kPort, IPPROTO_UDP);
    flowlens_flow_value v{};
    v.dir[FLOWLENS_DIR_IN].packets = static_cast<uint64_t>(i) + 1;
    ASSERT_EQ(bpf_map_update_elem(d.flow_map_fd(), &k, &v, BPF_NOEXIST), 0);
    keys.push_back(k);
  }
  std::vector<model::FlowRecord> out;
  ASSERT_TRUE(d.flow_reader().read_all_checked(out));
  EXPECT_FALSE(d.flow_reader().using_fallback());
  ASSERT_EQ(out.size(), static_cast<size_t>(kFlows));
  uint64_t sum = 0;
  for (const auto& r : out) sum += r.value.dir[FLOWLENS_DIR_IN].packets;
  EXPECT_EQ(sum, uint64_t{kFlows} * (kFlows + 1) / 2);

  // Erase the even half, with keys the map never held mixed in: they are skipped.
  std::vector<flowlens_flow_key> gone;
  for (int i = 0; i < kFlows; i += 2) {
    gone.push_back(keys[i]);
    if (i % 1000 == 0) gone.push_back(flow_key("192.0.2.1", static_cast<uint16_t>(i), 1, 17));
  }
  d.flows().erase(gone);
  d.flows().read_all(out);
  EXPECT_EQ(out.size(), static_cast<size_t>(kFlows / 2));
  for (const auto& r : out) EXPECT_EQ(r.value.dir[FLOWLENS_DIR_IN].packets % 2, 0u);
}

class DefaultRoute : public ::testing::Test {
 protected:
  void write(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ + "/" + name) << text;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  const std::string dir_ = ::testing::TempDir() + "flowlens-route-" + std::to_string(getpid());
  const std::string v4_header =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
};

TEST_F(DefaultRoute, LowestMetricIPv4DefaultWins) {
  write("route", v4_header +
                     "eth0\t00000000\t0102A8C0\t0003\t0\t0\t200\t00000000\t0\t0\t0\n"
                     "ens3\t00000000\t0103A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
                     "ens3\t0002A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n");
  auto r = bpf::default_route_interface(dir_);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r.value(), "ens3");
}

TEST_F(DefaultRoute, FallsBackToIPv6AndSkipsLoopbackRejectRoutes) {
  write("route", v4_header);
  std::string zeros(32, '0');
  write("ipv6_route", zeros + " 00 " + zeros + " 00 " + zeros +
                          " ffffffff 00000001 00000000 00200200       lo\n" + zeros + " 00 " +
                          zeros +
                          " 00 fe800000000000000000000000000001 00000400 00000001 "
                          "00000000 00450003     eth1\n");
  auto r = bpf::default_route_interface(dir_);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r.value(), "eth1");
}

TEST_F(DefaultRoute, NoDefaultRouteSaysWhatToConfigure) {
  write("route", v4_header);
  write("ipv6_route", "");
  auto r = bpf::default_route_interface(dir_);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what().find("set `interface`"), std::string::npos) << r.error().what();
}

// In a child that drops CAP_BPF, CAP_SYS_ADMIN and CAP_NET_ADMIN, as a non-root service would run.
TEST(Privileges, MissingCapabilitiesGiveOneClearLine) {
  FLOWLENS_REQUIRE_ROOT();
  int pipefd[2];
  ASSERT_EQ(pipe(pipefd), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(pipefd[0]);
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    syscall(SYS_capget, &hdr, data);
    for (int cap : {12, 21, 39}) data[cap / 32].effective &= ~(1U << (cap % 32));
    syscall(SYS_capset, &hdr, data);
    auto dp = open_test_datapath();
    std::string msg = dp ? "opened" : dp.error().what();
    (void)!write(pipefd[1], msg.data(), msg.size());
    _exit(0);
  }
  close(pipefd[1]);
  char buf[512] = {};
  ssize_t n = read(pipefd[0], buf, sizeof(buf) - 1);
  close(pipefd[0]);
  waitpid(pid, nullptr, 0);
  std::string msg(buf, n > 0 ? static_cast<size_t>(n) : 0);
  EXPECT_NE(msg.find("missing CAP_BPF and CAP_NET_ADMIN"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line";
}

}  // namespace
}  // namespace flowlens::testing
