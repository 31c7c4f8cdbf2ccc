/* SPDX-License-Identifier: BSD-2-Clause */
// A veth pair between two network namespaces the test creates (A holds fl0 and a spare veth fl2,
// B holds fl1), shared by the attach and hook-sharing tests.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "bpf/datapath.h"
#include "bpf_harness.h"
#include "netns.h"
#include "privileged.h"

namespace flowlens::testing {

inline constexpr uint16_t kPort = 27015;

class VethPair : public ::testing::Test {
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

  // Sends `n` Source-engine server-list queries over UDP from B to fl0's kPort, as a client would.
  void send_queries(int n) {
    int sock = -1;
    {
      EnterNetns in_b(b_->name());  // the client's socket lives in namespace B
      ASSERT_TRUE(in_b.ok());
      sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    }
    ASSERT_GE(sock, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(kPort);
    inet_pton(AF_INET, "10.77.0.1", &to.sin_addr);
    const char payload[] = "\xff\xff\xff\xffTSource Engine Query";
    for (int i = 0; i < n; ++i)
      sendto(sock, payload, sizeof(payload), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    close(sock);
  }

  // The flow table once its first flow has `packets` inbound packets, or after ~2 s (ARP
  // resolution delays the first datagram), checked every 50 ms.
  static std::vector<model::FlowRecord> wait_for_packets(bpf::Datapath& dp, uint64_t packets) {
    std::vector<model::FlowRecord> flows;
    for (int i = 0; i < 40; ++i) {
      dp.flows().read_all(flows);
      if (!flows.empty() && flows[0].value.dir[FLOWLENS_DIR_IN].packets == packets) break;
      usleep(50000);
    }
    return flows;
  }

  std::optional<Netns> a_, b_;
};

}  // namespace flowlens::testing
