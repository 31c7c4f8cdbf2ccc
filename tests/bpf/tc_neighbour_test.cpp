// SPDX-License-Identifier: BSD-2-Clause
// Sharing the TC hook with other tools' programs, on veth pairs in namespaces the test creates:
// the configured priority is the one used, another tool's filters survive our attach and detach
// (and the clsact they sit on), our place held by another tool is refused rather than taken, and
// a program that runs before ours and can hide packets is named in one warning at start.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <linux/pkt_cls.h>
#include <net/if.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <memory>
#include <sstream>
#include <string>

#include "attach_fixture.h"
#include "bpf/tc_attachment.h"

namespace flowlens::testing {
namespace {

constexpr int kDatagrams = 5;
// BPF_TCX_INGRESS (Linux 6.6); Debian 12's UAPI headers predate it.
constexpr int kTcxIngress = 46;

// Everything logged while it lives, as the operator would read it.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::string text() const { return text_.str(); }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream text_;
};

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Another tool's program that drops every packet (TC_ACT_SHOT), as a DDoS filter does with what
// it judges an attack. Returns its fd, owned by the caller.
int load_drop_program() {
  const bpf_insn insns[] = {
      // r0 = TC_ACT_SHOT; exit
      {.code = BPF_ALU64 | BPF_MOV | BPF_K,
       .dst_reg = BPF_REG_0,
       .src_reg = 0,
       .off = 0,
       .imm = TC_ACT_SHOT},
      {.code = BPF_JMP | BPF_EXIT, .dst_reg = 0, .src_reg = 0, .off = 0, .imm = 0},
  };
  return bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "foreign_drop", "GPL", insns, 2, nullptr);
}

class TcNeighbour : public VethPair {
 protected:
  // Puts the drop program on fl0 ingress at `priority` with direct-action (libbpf always sets
  // it), from inside namespace A.
  void add_dropper(uint32_t priority) {
    drop_fd_ = load_drop_program();
    ASSERT_GE(drop_fd_, 0) << "cannot load the drop program";
    const int ifindex = static_cast<int>(if_nametoindex("fl0"));
    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
    const int created = bpf_tc_hook_create(&hook);
    ASSERT_TRUE(created == 0 || created == -EEXIST) << created;
    LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = drop_fd_, .handle = 1, .priority = priority);
    ASSERT_EQ(bpf_tc_attach(&hook, &opts), 0);
  }
  void TearDown() override {
    if (drop_fd_ >= 0) close(drop_fd_);
  }
  int drop_fd_ = -1;
};

TEST_F(TcNeighbour, FiltersSitAtTheConfiguredPriority) {
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  auto cfg = config("fl0");
  cfg.tc_priority = 7;
  auto dp = bpf::Datapath::open(cfg);
  ASSERT_TRUE(dp) << dp.error().what();
  for (const char* hook : {"ingress", "egress"}) {
    const std::string shown = filters("fl0", hook);
    EXPECT_NE(shown.find("pref 7 bpf"), std::string::npos) << hook << ":\n" << shown;
    EXPECT_EQ(shown.find("pref 2 "), std::string::npos) << hook << ":\n" << shown;
  }
  bool reattached = true;
  EXPECT_EQ(dp.value().check_attachment(&reattached), "") << "checked at the configured priority";
  EXPECT_FALSE(reattached);
}

TEST_F(TcNeighbour, AFilterAddedAfterUsSurvivesOurDetachAndSoDoesItsClsact) {
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  auto dp = bpf::Datapath::open(config("fl0"));
  ASSERT_TRUE(dp) << dp.error().what();
  int st = 0;
  a_->exec("tc filter add dev fl0 ingress prio 9 handle 7 bpf da obj " + empty_obj() + " sec tc",
           &st);
  ASSERT_EQ(st, 0) << "cannot add the foreign filter";
  dp.value().detach();
  const std::string left = filters("fl0", "ingress");
  EXPECT_EQ(left.find("flowlens_tc_in"), std::string::npos) << left;
  EXPECT_NE(left.find("flowlens_empty"), std::string::npos) << "foreign filter survives: " << left;
  EXPECT_NE(a_->exec("tc qdisc show dev fl0").find("clsact"), std::string::npos)
      << "the clsact we created holds another tool's filter now, so it stays";
}

TEST_F(TcNeighbour, AnotherToolsFilterInOurPlaceIsRefusedNotReplaced) {
  int st = 0;
  a_->exec("tc qdisc add dev fl0 clsact", &st);
  a_->exec(
      "tc filter add dev fl0 ingress prio 2 handle 0x464c bpf da obj " + empty_obj() + " sec tc",
      &st);
  ASSERT_EQ(st, 0) << "cannot plant the foreign filter";
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  auto dp = bpf::Datapath::open(config("fl0"));
  ASSERT_FALSE(dp) << "attached over another tool's filter";
  const std::string why = dp.error().what();
  EXPECT_NE(why.find("priority 2 handle 0x464c on fl0 ingress holds another tool's filter (bpf "
                     "'flowlens_empty"),
            std::string::npos)
      << why;
  EXPECT_NE(why.find("set core.tc_priority"), std::string::npos) << why;
  const std::string left = filters("fl0", "ingress");
  EXPECT_NE(left.find("flowlens_empty"), std::string::npos) << left;
  EXPECT_EQ(left.find("flowlens_tc_in"), std::string::npos) << left;
  EXPECT_EQ(filters("fl0", "egress"), "") << "nothing of ours is left on egress either";
}

TEST_F(TcNeighbour, ADroppingProgramBeforeOursIsNamedInOneWarning) {
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  add_dropper(1);
  LogCapture log;
  auto dp = bpf::Datapath::open(config("fl0"));
  ASSERT_TRUE(dp) << dp.error().what();
  const std::string text = log.text();
  EXPECT_EQ(count(text, "[warning] fl0 ingress: priority 1 bpf direct-action 'foreign_drop:["), 1u)
      << text;
  EXPECT_NE(text.find("can end the hook before FlowLens's filter at priority 2"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("fl0 egress:"), std::string::npos) << "nothing runs before us on egress";
  EXPECT_NE(filters("fl0", "ingress").find("foreign_drop"), std::string::npos)
      << "the other tool's filter is untouched";
}

TEST_F(TcNeighbour, RunningBeforeADroppingFilterWeCountWhatItDrops) {
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  add_dropper(5);
  // The dropper eats ARP too: B learns fl0's address without asking.
  const std::string mac = a_->exec("cat /sys/class/net/fl0/address");
  int st = 0;
  b_->exec("ip neigh replace 10.77.0.1 lladdr " + mac.substr(0, mac.find('\n')) + " dev fl1", &st);
  ASSERT_EQ(st, 0);
  LogCapture log;
  auto dp = bpf::Datapath::open(config("fl0"));
  ASSERT_TRUE(dp) << dp.error().what();
  EXPECT_EQ(log.text().find("can end the hook"), std::string::npos) << log.text();
  std::vector<model::Endpoint> watched = {{kPort, IPPROTO_UDP}};
  ASSERT_TRUE(dp.value().set_watched(watched));
  send_queries(kDatagrams);
  const auto flows = wait_for_packets(dp.value(), kDatagrams);
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].value.dir[FLOWLENS_DIR_IN].packets, static_cast<uint64_t>(kDatagrams));
}

TEST_F(TcNeighbour, ATcxProgramIsNamedInTheWarning) {
  EnterNetns in(a_->name());
  ASSERT_TRUE(in.ok());
  drop_fd_ = load_drop_program();
  ASSERT_GE(drop_fd_, 0);
  const int link = bpf_link_create(drop_fd_, static_cast<int>(if_nametoindex("fl0")),
                                   static_cast<bpf_attach_type>(kTcxIngress), nullptr);
  if (link < 0) GTEST_SKIP() << "this kernel has no TCX (Linux 6.6+): errno " << -link;
  LogCapture log;
  auto dp = bpf::Datapath::open(config("fl0"));
  close(link);
  ASSERT_TRUE(dp) << dp.error().what();
  const std::string text = log.text();
  EXPECT_EQ(count(text, "[warning] fl0 ingress: TCX program id "), 1u) << text;
}

}  // namespace
}  // namespace flowlens::testing
