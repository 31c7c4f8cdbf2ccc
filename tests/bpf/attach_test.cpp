// SPDX-License-Identifier: BSD-2-Clause
// Attaching to a real interface: a veth pair inside namespaces the test creates. Checks the
// filters appear, that detaching removes exactly ours, and that packets over the veth are counted.
#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "bpf/tc_attachment.h"
#include "bpf_harness.h"
#include "netns.h"
#include "privileged.h"

namespace flowlens::testing {
namespace {

constexpr uint16_t kPort = 27015;
constexpr int kDatagrams = 5;

class Attach : public ::testing::Test {
 protected:
  void SetUp() override {
    FLOWLENS_REQUIRE_ROOT();
    std::string pid = std::to_string(getpid());
    a_.emplace("flowlens-bpf-a-" + pid);
    b_.emplace("flowlens-bpf-b-" + pid);
    if (!a_->ok() || !b_->ok()) FLOWLENS_PRIVILEGED_UNAVAILABLE("cannot create network namespaces");
    int st = 0;
    a_->exec("ip link add fl0 type veth peer name fl1 netns " + b_->name(), &st);
    ASSERT_EQ(st, 0) << "cannot create a veth pair";
    a_->exec("ip addr add 10.77.0.1/24 dev fl0");
    a_->exec("ip link set fl0 up");
    b_->exec("ip addr add 10.77.0.2/24 dev fl1");
    b_->exec("ip link set fl1 up");
    // A second veth in A for the pre-existing-clsact case.
    a_->exec("ip link add fl2 type veth peer name fl3");
  }

  static bpf::DatapathConfig config(const std::string& ifname) {
    bpf::DatapathConfig cfg;
    cfg.interface = ifname;
    cfg.pin_dir = "";
    cfg.map_size = 1024;
    cfg.probation_size = 1024;
    return cfg;
  }

  static std::string empty_obj() { return binary_dir() + "/bpf/flowlens_empty.bpf.o"; }

  std::string filters(const std::string& dev, const char* hook) {
    return a_->exec("tc filter show dev " + dev + " " + hook);
  }

  std::optional<Netns> a_, b_;
};

TEST_F(Attach, AddsBothFiltersAndRemovesEverythingItAdded) {
  {
    EnterNetns in(a_->name());
    ASSERT_TRUE(in.ok());
    auto dp = bpf::Datapath::open(config("fl0"));
    ASSERT_TRUE(dp) << dp.error().what();
    EXPECT_TRUE(dp.value().attached());
    EXPECT_NE(filters("fl0", "ingress").find("flowlens_tc_in"), std::string::npos)
        << filters("fl0", "ingress");
    EXPECT_NE(filters("fl0", "egress").find("flowlens_tc_out"), std::string::npos)
        << filters("fl0", "egress");

    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = static_cast<int>(if_nametoindex("fl0")),
                .attach_point = BPF_TC_INGRESS);
    LIBBPF_OPTS(bpf_tc_opts, opts, .handle = bpf::kTcHandle, .priority = bpf::kTcPriority);
    EXPECT_EQ(bpf_tc_query(&hook, &opts), 0) << "bpf_tc_query finds our filter";
    EXPECT_NE(opts.prog_id, 0u);
  }  // Datapath destroyed here: detach
  EXPECT_EQ(filters("fl0", "ingress"), "");
  EXPECT_EQ(filters("fl0", "egress"), "");
  EXPECT_EQ(a_->exec("tc qdisc show dev fl0").find("clsact"), std::string::npos)
      << "the clsact qdisc we created is gone";
}

TEST_F(Attach, LeavesAnExistingClsactAndAForeignFilterIntact) {
  std::string empty_obj = binary_dir() + "/bpf/flowlens_empty.bpf.o";
  int st = 0;
  a_->exec("tc qdisc add dev fl2 clsact", &st);
  ASSERT_EQ(st, 0);
  a_->exec("tc filter add dev fl2 ingress prio 9 handle 7 bpf da obj " + empty_obj + " sec tc",
           &st);
  ASSERT_EQ(st, 0) << "cannot add the foreign filter";
  {
    EnterNetns in(a_->name());
    ASSERT_TRUE(in.ok());
    auto dp = bpf::Datapath::open(config("fl2"));
    ASSERT_TRUE(dp) << dp.error().what();
    std::string both = filters("fl2", "ingress");
    EXPECT_NE(both.find("flowlens_tc_in"), std::string::npos) << both;
    EXPECT_NE(both.find("flowlens_empty"), std::string::npos) << both;
  }
  std::string left = filters("fl2", "ingress");
  EXPECT_EQ(left.find("flowlens_tc_in"), std::string::npos) << left;
  EXPECT_NE(left.find("flowlens_empty"), std::string::npos) << "foreign filter survives: " << left;
  EXPECT_NE(a_->exec("tc qdisc show dev fl2").find("clsact"), std::string::npos)
      << "a clsact that was there before us stays";
}

TEST_F(Attach, AStartReplacesAFilterLeftByACrashInsteadOfCountingTwice) {
  int st = 0;
  a_->exec("tc qdisc add dev fl0 clsact", &st);
  a_->exec(
      "tc filter add dev fl0 ingress prio 1 handle 0x464c bpf da obj " + empty_obj() + " sec tc",
      &st);
  ASSERT_EQ(st, 0) << "cannot plant the stale filter";
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  auto dp = bpf::Datapath::open(config("fl0"));
  ASSERT_TRUE(dp) << dp.error().what();
  std::string shown = filters("fl0", "ingress");
  size_t count = 0;
  for (size_t at = shown.find("handle 0x464c"); at != std::string::npos;
       at = shown.find("handle 0x464c", at + 1))
    ++count;
  EXPECT_EQ(count, 1u) << shown;
  EXPECT_NE(shown.find("flowlens_tc_in"), std::string::npos) << shown;
}

TEST_F(Attach, ASecondDaemonOnTheSameInterfaceIsRefusedNotBlindingTheFirst) {
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  auto first = bpf::Datapath::open(config("fl0"));
  ASSERT_TRUE(first) << first.error().what();
  auto second = bpf::Datapath::open(config("fl0"));
  ASSERT_FALSE(second) << "two daemons on one interface replace each other's filters";
  EXPECT_NE(second.error().what().find("another flowlensd (pid " + std::to_string(getpid()) +
                                       ") is attached to fl0"),
            std::string::npos)
      << second.error().what();
  bool reattached = true;
  EXPECT_EQ(first.value().check_attachment(&reattached), "") << "the first is untouched";
  EXPECT_FALSE(reattached);
  auto other = bpf::Datapath::open(config("fl2"));
  EXPECT_TRUE(other) << "another interface is another lock: " << other.error().what();
}

TEST_F(Attach, ARemovedFilterIsPutBackAndAForeignOneIsReported) {
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  auto dp = bpf::Datapath::open(config("fl0"));
  ASSERT_TRUE(dp) << dp.error().what();
  bool reattached = false;
  ASSERT_EQ(dp.value().check_attachment(&reattached), "");

  int st = 0;
  a_->exec("tc filter del dev fl0 ingress prio 1 handle 0x464c bpf", &st);
  ASSERT_EQ(st, 0);
  EXPECT_EQ(dp.value().check_attachment(&reattached), "");
  EXPECT_TRUE(reattached) << "a filter removed under us is put back";
  EXPECT_NE(filters("fl0", "ingress").find("flowlens_tc_in"), std::string::npos);

  a_->exec(
      "tc filter replace dev fl0 egress prio 1 handle 0x464c bpf da obj " + empty_obj() + " sec tc",
      &st);
  ASSERT_EQ(st, 0);
  const std::string problem = dp.value().check_attachment(&reattached);
  EXPECT_EQ(problem.rfind("another program (id ", 0), 0u) << problem;
  EXPECT_NE(problem.find("replaced ours on fl0 egress"), std::string::npos) << problem;
  EXPECT_FALSE(reattached) << "another tool's program is not fought over";
}

TEST_F(Attach, AnInterfaceDeletedAndCreatedAgainIsAttachedAgain) {
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  auto dp = bpf::Datapath::open(config("fl2"));
  ASSERT_TRUE(dp) << dp.error().what();
  int st = 0;
  a_->exec("ip link del fl2", &st);
  ASSERT_EQ(st, 0);
  bool reattached = true;
  EXPECT_EQ(dp.value().check_attachment(&reattached), "interface fl2 is gone");
  EXPECT_FALSE(reattached);
  a_->exec("ip link add fl2 type veth peer name fl3", &st);
  ASSERT_EQ(st, 0);
  EXPECT_EQ(dp.value().check_attachment(&reattached), "");
  EXPECT_TRUE(reattached);
  EXPECT_NE(filters("fl2", "ingress").find("flowlens_tc_in"), std::string::npos)
      << filters("fl2", "ingress");
}

TEST_F(Attach, CountsUdpArrivingOverTheVeth) {
  int sock = -1;
  {
    EnterNetns in_b(b_->name());  // the client's socket lives in namespace B
    ASSERT_TRUE(in_b.ok());
    sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  }
  ASSERT_GE(sock, 0);
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  auto dp = bpf::Datapath::open(config("fl0"));
  ASSERT_TRUE(dp) << dp.error().what();
  std::vector<model::Endpoint> watched = {{kPort, IPPROTO_UDP}};
  ASSERT_TRUE(dp.value().set_watched(watched));

  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(kPort);
  inet_pton(AF_INET, "10.77.0.1", &to.sin_addr);
  const char payload[] = "\xff\xff\xff\xffTSource Engine Query";
  for (int i = 0; i < kDatagrams; ++i)
    sendto(sock, payload, sizeof(payload), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  close(sock);

  std::vector<model::FlowRecord> flows;
  // ARP resolution delays the first datagram; allow up to ~2 s, checked every 50 ms.
  for (int i = 0; i < 40; ++i) {
    dp.value().flows().read_all(flows);
    if (!flows.empty() && flows[0].value.dir[FLOWLENS_DIR_IN].packets == kDatagrams) break;
    usleep(50000);
  }
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].value.dir[FLOWLENS_DIR_IN].packets, static_cast<uint64_t>(kDatagrams));
  EXPECT_EQ(flows[0].value.query_packets, static_cast<uint32_t>(kDatagrams));
  EXPECT_EQ(flows[0].key.server_port, htons(kPort));
}

TEST(AttachErrors, MissingInterfaceIsOneClearLine) {
  FLOWLENS_REQUIRE_ROOT();
  bpf::DatapathConfig cfg;
  cfg.interface = "flowlens-none0";
  cfg.pin_dir = "";
  auto dp = bpf::Datapath::open(cfg);
  ASSERT_FALSE(dp);
  EXPECT_NE(dp.error().what().find("interface flowlens-none0 does not exist"), std::string::npos)
      << dp.error().what();
}

}  // namespace
}  // namespace flowlens::testing
