// SPDX-License-Identifier: BSD-2-Clause
// What a plugin built with the C++ helper reads from hosts of different minors.
#include <gtest/gtest.h>

#include <cstddef>

#include "flowlens/sdk/host.hpp"

namespace flowlens::sdk {
namespace {

TEST(SdkSnapshot, ReadsNameAndLabelsFromAOnePointTwoHost) {
  flowlens_label labels[2] = {{sizeof(flowlens_label), "game", "rust"},
                              {sizeof(flowlens_label), "region", "eu"}};
  flowlens_server_estimate e{};
  e.struct_size = sizeof e;
  e.server_id = "rust-1";
  e.known = 1;
  e.unknown_reason = "";
  e.active_players = 4;
  e.name = "Rust EU #1";
  e.labels = labels;
  e.label_count = 2;
  flowlens_snapshot view{};
  view.struct_size = sizeof view;
  view.servers = &e;
  view.server_count = 1;
  const Snapshot s = to_snapshot(view);
  ASSERT_EQ(s.servers.size(), 1u);
  EXPECT_EQ(s.servers[0].name, "Rust EU #1");
  EXPECT_EQ(s.servers[0].labels,
            (std::map<std::string, std::string>{{"game", "rust"}, {"region", "eu"}}));
  EXPECT_TRUE(s.servers[0].known);
}

TEST(SdkSnapshot, AnOlderHostsEstimateFallsBackToTheIdAndNoLabels) {
  // A 1.0 host wrote estimates that end at total_bytes; the bytes after it are the next element.
  flowlens_server_estimate e[2]{};
  const uint32_t v1_size = offsetof(flowlens_server_estimate, total_bytes) + sizeof(uint64_t);
  auto* first = reinterpret_cast<flowlens_server_estimate*>(e);
  first->struct_size = v1_size;
  first->server_id = "cs";
  first->known = 0;
  first->unknown_reason = "warming up";
  flowlens_snapshot view{};
  view.struct_size = sizeof view;
  view.servers = first;
  view.server_count = 1;
  const Snapshot s = to_snapshot(view);
  ASSERT_EQ(s.servers.size(), 1u);
  EXPECT_EQ(s.servers[0].name, "cs");
  EXPECT_TRUE(s.servers[0].labels.empty());
  EXPECT_FALSE(s.servers[0].known);
}

TEST(SdkSnapshot, AnEstimateNobodyFilledInIsUnknown) {
  EXPECT_FALSE(ServerEstimate{}.known) << "unknown is the one default: never a silent 0";
}

TEST(SdkHost, DiscoveryIntervalComesFromTheHostOrDefaults) {
  flowlens_host_api api{};
  api.struct_size = sizeof api;
  api.discovery_interval_ms = 5000;
  EXPECT_EQ(Host(&api).discovery_interval(), std::chrono::milliseconds(5000));
  api.struct_size = offsetof(flowlens_host_api, discovery_interval_ms);  // a 1.1 host
  EXPECT_EQ(Host(&api).discovery_interval(), Host::kDefaultDiscoveryInterval);
}

}  // namespace
}  // namespace flowlens::sdk
