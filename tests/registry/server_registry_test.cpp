// SPDX-License-Identifier: BSD-2-Clause
#include "registry/server_registry.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

#include "model/server_spec.h"

namespace flowlens::registry {
namespace {

model::Server srv(const std::string& spec) {
  return model::parse_server_spec(spec);
}

TEST(ServerRegistry, MergesSourcesSortedById) {
  ServerRegistry r;
  r.replace_all("static", {srv("mc=25565/tcp"), srv("cs=27015/udp")});
  r.add("docker", srv("valheim=2456-2457/udp"));
  MergedView v = r.merged();
  ASSERT_EQ(v.servers.size(), 3u);
  EXPECT_EQ(v.servers[0].id, "cs");
  EXPECT_EQ(v.servers[1].id, "mc");
  EXPECT_EQ(v.servers[2].id, "valheim");
  EXPECT_EQ(v.servers[2].endpoints.size(), 2u);
  EXPECT_TRUE(v.conflicts.empty());
}

TEST(ServerRegistry, PortClaimedTwiceGoesToFirstSourceByName) {
  // The same conflict must resolve the same way whatever order the sources published in.
  for (bool docker_first : {true, false}) {
    ServerRegistry r;
    if (docker_first) r.add("docker", srv("b=27015/udp,27016/udp"));
    r.add("a-static", srv("z=27015/udp"));
    if (!docker_first) r.add("docker", srv("b=27015/udp,27016/udp"));
    MergedView v = r.merged();
    ASSERT_EQ(v.servers.size(), 2u);
    EXPECT_EQ(v.servers[0].id, "b");
    ASSERT_EQ(v.servers[0].endpoints.size(), 1u) << "b loses 27015/udp to a-static/z";
    EXPECT_EQ(v.servers[0].endpoints[0].port, 27016);
    EXPECT_EQ(v.servers[1].endpoints.size(), 1u);
    ASSERT_EQ(v.conflicts.size(), 1u);
    EXPECT_NE(v.conflicts[0].text.find("27015/udp"), std::string::npos) << v.conflicts[0].text;
    EXPECT_EQ(v.conflicts[0].losing_source, "docker");
  }
}

TEST(ServerRegistry, SameIdFromTwoSourcesKeepsOneAndSaysSo) {
  ServerRegistry r;
  r.add("b", srv("mc=25566/tcp"));
  r.add("a", srv("mc=25565/tcp"));
  MergedView v = r.merged();
  ASSERT_EQ(v.servers.size(), 1u);
  EXPECT_EQ(v.servers[0].endpoints[0].port, 25565);
  ASSERT_EQ(v.conflicts.size(), 1u);
  EXPECT_EQ(v.conflicts[0].losing_source, "b");
}

TEST(ServerRegistry, RemoveAndReplaceBumpGeneration) {
  ServerRegistry r;
  uint64_t g0 = r.generation();
  r.add("s", srv("mc=25565/tcp"));
  uint64_t g1 = r.generation();
  EXPECT_GT(g1, g0);
  r.remove("s", "unknown");
  EXPECT_EQ(r.generation(), g1) << "removing nothing is not a change";
  r.remove("s", "mc");
  EXPECT_GT(r.generation(), g1);
  EXPECT_TRUE(r.merged().servers.empty());
  r.replace_all("s", {srv("a=1/udp")});
  r.drop_source("s");
  EXPECT_TRUE(r.merged().servers.empty());
}

TEST(ServerRegistry, RepublishingTheSameServersIsNoChange) {
  ServerRegistry r;
  r.replace_all("docker",
                {model::parse_server_spec("a=1/udp"), model::parse_server_spec("b=2/tcp")});
  const uint64_t g = r.generation();
  r.replace_all("docker",
                {model::parse_server_spec("b=2/tcp"), model::parse_server_spec("a=1/udp")});
  r.add("docker", model::parse_server_spec("a=1/udp"));
  EXPECT_EQ(r.generation(), g) << "a rescan that finds the same servers must not rewrite the map";
  auto changed = model::parse_server_spec("a=1/udp");
  changed.labels["game"] = "rust";
  r.add("docker", changed);
  EXPECT_GT(r.generation(), g) << "a label change is a change";
}

TEST(ServerRegistry, DuplicateEndpointInOneServerIsNotAConflict) {
  ServerRegistry r;
  r.add("s", srv("ut=7777/udp,7777/udp,7778/udp"));
  MergedView v = r.merged();
  EXPECT_EQ(v.servers[0].endpoints.size(), 2u);
  EXPECT_TRUE(v.conflicts.empty());
}

}  // namespace
}  // namespace flowlens::registry
