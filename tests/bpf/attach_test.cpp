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

#include "attach_fixture.h"
#include "bpf/tc_attachment.h"
#include "bpf_harness.h"

namespace flowlens::testing {
namespace {

constexpr int kDatagrams = 5;

class Attach : public VethPair {};

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
    LIBBPF_OPTS(bpf_tc_opts, opts, .handle = bpf::kTcHandle, .priority = bpf::kDefaultTcPriority);
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
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  {
    // A run killed while attached: its filters stay, holding its programs loaded.
    auto killed = open_test_datapath();
    ASSERT_TRUE(killed) << killed.error().what();
    auto left = bpf::TcAttachment::attach("fl0", killed.value().program_fd(FLOWLENS_DIR_IN),
                                          killed.value().program_fd(FLOWLENS_DIR_OUT),
                                          bpf::kDefaultTcPriority);
    ASSERT_TRUE(left) << left.error().what();
    left.value().forget();
  }
  auto dp = bpf::Datapath::open(config("fl0"));
  ASSERT_TRUE(dp) << dp.error().what();
  std::string shown = filters("fl0", "ingress");
  size_t count = 0;
  for (size_t at = shown.find("handle 0x464c"); at != std::string::npos;
       at = shown.find("handle 0x464c", at + 1))
    ++count;
  EXPECT_EQ(count, 1u) << shown;
  EXPECT_NE(shown.find("flowlens_tc_in"), std::string::npos) << shown;
  bool reattached = true;
  EXPECT_EQ(dp.value().check_attachment(&reattached), "") << "the filter there is this run's";
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
  a_->exec("tc filter del dev fl0 ingress prio 2 handle 0x464c bpf", &st);
  ASSERT_EQ(st, 0);
  EXPECT_EQ(dp.value().check_attachment(&reattached), "");
  EXPECT_TRUE(reattached) << "a filter removed under us is put back";
  EXPECT_NE(filters("fl0", "ingress").find("flowlens_tc_in"), std::string::npos);

  a_->exec(
      "tc filter replace dev fl0 egress prio 2 handle 0x464c bpf da obj " + empty_obj() + " sec tc",
      &st);
  ASSERT_EQ(st, 0);
  const std::string problem = dp.value().check_attachment(&reattached);
  EXPECT_EQ(problem.rfind("another program (id ", 0), 0u) << problem;
  EXPECT_NE(problem.find("replaced ours on fl0 egress"), std::string::npos) << problem;
  EXPECT_FALSE(reattached) << "another tool's program is not fought over";
  dp.value().detach();
  EXPECT_NE(filters("fl0", "egress").find("flowlens_empty"), std::string::npos)
      << "the program in our place is not ours to remove";
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
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  auto dp = bpf::Datapath::open(config("fl0"));
  ASSERT_TRUE(dp) << dp.error().what();
  std::vector<model::Endpoint> watched = {{kPort, IPPROTO_UDP}};
  ASSERT_TRUE(dp.value().set_watched(watched));
  send_queries(kDatagrams);

  std::vector<model::FlowRecord> flows = wait_for_packets(dp.value(), kDatagrams);
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
