// SPDX-License-Identifier: BSD-2-Clause
// Container -> server (selection, every server_id_source, ports) and the grace period table.
#include <gtest/gtest.h>

#include "fixture.h"
#include "server_mapper.h"
#include "server_table.h"

namespace flowlens::discovery_docker {
namespace {

using testing::fixture_json;

using Eps = std::vector<std::pair<uint16_t, sdk::Proto>>;
Eps eps(const sdk::Server& s) {
  Eps out;
  for (const auto& e : s.endpoints) out.emplace_back(e.port, e.proto);
  return out;
}
constexpr auto kTcp = sdk::Proto::kTcp;
constexpr auto kUdp = sdk::Proto::kUdp;

ContainerFacts wings() {
  return facts_from_inspect(fixture_json("inspect_wings_v1.41.json"));
}

MapperSettings settings(std::string id_source, std::string port_env = "") {
  MapperSettings s;
  s.id_source = parse_id_source(id_source);
  s.port_env_var = std::move(port_env);
  return s;
}

TEST(ServerMapper, LabelSelectionNeedsEveryLabel) {
  MapperSettings s = settings("id");
  s.labels = {{"Service", "Pterodactyl"}, {"ContainerType", "server_process"}};
  ContainerFacts c = wings();
  EXPECT_TRUE(selected(c, s));
  c.labels["ContainerType"] = "server_installer";
  EXPECT_FALSE(selected(c, s)) << "the installer must not be watched";
  c.labels.erase("ContainerType");
  EXPECT_FALSE(selected(c, s));
  EXPECT_TRUE(selected(c, settings("id"))) << "no labels selects every container";
}

TEST(ServerMapper, EveryServerIdSource) {
  const ContainerFacts c = wings();
  auto id_with = [&](const std::string& source) {
    auto out = map_container(c, settings(source));
    return out.server ? out.server->id : "problem: " + out.problem;
  };
  EXPECT_EQ(id_with("hostname"), "0f3e9c2a-1b2c-4d5e-8f90-a1b2c3d4e5f6");
  EXPECT_EQ(id_with("id"), c.id);
  EXPECT_EQ(id_with("name"), "wings-uuid");
  EXPECT_EQ(id_with("label:Service"), "Pterodactyl");
  EXPECT_EQ(id_with("env:P_SERVER_UUID"), "0f3e9c2a-1b2c-4d5e-8f90-a1b2c3d4e5f6");
  EXPECT_EQ(id_with("label:missing"), "problem: its server id source gives an empty id");
  EXPECT_THROW(parse_id_source("uuid"), std::invalid_argument);
  EXPECT_THROW(parse_id_source("env:"), std::invalid_argument);
}

TEST(ServerMapper, PublishedPortsOnePerPortAndProtocol) {
  auto out = map_container(wings(), settings("name"));
  ASSERT_TRUE(out.server) << out.problem;
  EXPECT_EQ(eps(*out.server), (Eps{{25565, kTcp}, {25565, kUdp}, {25566, kTcp}, {25566, kUdp}}));
  EXPECT_EQ(out.server->name, "wings-uuid");
  EXPECT_EQ(out.server->labels.at("Service"), "Pterodactyl");
  EXPECT_EQ(out.server->labels.at("docker.state"), "running");
}

TEST(ServerMapper, PortEnvVarWinsBothProtocolsUnlessItSaysOne) {
  ContainerFacts c = wings();
  auto out = map_container(c, settings("name", "SERVER_PORT"));
  ASSERT_TRUE(out.server);
  EXPECT_EQ(eps(*out.server), (Eps{{25565, kTcp}, {25565, kUdp}}));
  c.details->env["SERVER_PORT"] = "25565/udp";
  EXPECT_EQ(eps(*map_container(c, settings("name", "SERVER_PORT")).server), (Eps{{25565, kUdp}}));
  c.details->env["SERVER_PORT"] = "twenty";
  out = map_container(c, settings("name", "SERVER_PORT"));
  EXPECT_FALSE(out.server);
  EXPECT_NE(out.problem.find("'twenty'"), std::string::npos) << out.problem;
}

TEST(ServerMapper, HostNetworkUsesTheLabelThenExposedPorts) {
  auto list = facts_from_list(fixture_json("containers_v1.52.json"));
  ContainerFacts host = list[2];
  MapperSettings s = settings("name");
  EXPECT_FALSE(needs_inspect(host, s)) << "the label alone is enough";
  auto out = map_container(host, s);
  ASSERT_TRUE(out.server) << out.problem;
  EXPECT_EQ(eps(*out.server), (Eps{{28015, kUdp}, {28016, kTcp}}));

  host.labels.erase("flowlens.ports");
  EXPECT_TRUE(needs_inspect(host, s));
  host.details = InspectDetails{};
  out = map_container(host, s);
  EXPECT_FALSE(out.server);
  EXPECT_NE(out.problem.find("host network"), std::string::npos) << out.problem;
  host.details->exposed = {{2456, true}};
  EXPECT_EQ(eps(*map_container(host, s).server), (Eps{{2456, kUdp}}));
}

TEST(ServerMapper, NoPortIsAProblemNotAServer) {
  ContainerFacts c;
  c.id = "abc";
  c.name = "db";
  auto out = map_container(c, settings("name"));
  EXPECT_FALSE(out.server);
  EXPECT_EQ(out.problem, "it publishes no port");
}

TEST(ServerMapper, PortLists) {
  EXPECT_EQ(parse_port_list("27015").size(), 2u);
  EXPECT_EQ(parse_port_list(" 27015/udp , 27016/tcp").size(), 2u);
  for (const char* bad : {"", "0", "65536", "27015/sctp", "27015,", "a/udp", "1-2"}) {
    EXPECT_THROW(parse_port_list(bad), std::invalid_argument) << bad;
  }
}

sdk::Server server(std::string id, uint16_t port) {
  sdk::Server s;
  s.id = std::move(id);
  s.endpoints = {{port, kUdp}};
  return s;
}

using Clock = ServerTable::Clock;
using std::chrono::seconds;

TEST(ServerTable, ARestartWithinGraceKeepsTheServer) {
  ServerTable t(seconds(30));
  const auto t0 = Clock::now();
  t.set_container("c1", server("mc", 25565));
  t.container_gone("c1", t0);
  EXPECT_TRUE(t.desired().contains("mc")) << "no 'server gone' during the grace period";
  EXPECT_EQ(t.next_expiry(), t0 + seconds(30));
  t.set_container("c2", server("mc", 25565));  // recreated under the same server id
  t.expire(t0 + seconds(31));
  EXPECT_TRUE(t.desired().contains("mc"));
  EXPECT_FALSE(t.next_expiry());
}

TEST(ServerTable, AfterGraceTheServerGoes) {
  ServerTable t(seconds(30));
  const auto t0 = Clock::now();
  t.set_container("c1", server("mc", 25565));
  t.container_gone("c1", t0);
  t.expire(t0 + seconds(29));
  EXPECT_TRUE(t.desired().contains("mc"));
  t.expire(t0 + seconds(30));
  EXPECT_FALSE(t.desired().contains("mc"));
}

TEST(ServerTable, ZeroGraceRemovesAtOnce) {
  ServerTable t(seconds(0));
  t.set_container("c1", server("mc", 25565));
  t.container_gone("c1", Clock::now());
  EXPECT_TRUE(t.desired().empty());
}

TEST(ServerTable, FullListMarksTheMissingAsGone) {
  ServerTable t(seconds(0));
  t.set_container("c1", server("a", 1));
  t.set_container("c2", server("b", 2));
  t.replace_all({{"c2", server("b", 2)}, {"c3", server("c", 3)}}, Clock::now());
  auto d = t.desired();
  EXPECT_FALSE(d.contains("a"));
  EXPECT_TRUE(d.contains("b"));
  EXPECT_TRUE(d.contains("c"));
}

TEST(ServerTable, TwoContainersOnOneIdAreNamed) {
  ServerTable t(seconds(0));
  sdk::Server a = server("mc", 1);
  a.name = "mc-old";
  sdk::Server b = server("mc", 2);
  b.name = "mc-new";
  t.set_container("aaaaaaaaaaaaaaaa", a);
  t.set_container("bbbbbbbbbbbbbbbb", b);
  auto dups = t.duplicate_ids();
  ASSERT_EQ(dups.size(), 1u);
  EXPECT_NE(dups[0].find("mc-old"), std::string::npos) << dups[0];
  EXPECT_NE(dups[0].find("mc-new"), std::string::npos) << dups[0];
  EXPECT_EQ(t.desired().at("mc").endpoints[0].port, 1) << "the first container wins";
}

}  // namespace
}  // namespace flowlens::discovery_docker
