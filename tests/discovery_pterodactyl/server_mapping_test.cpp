// SPDX-License-Identifier: BSD-2-Clause
// Panel servers become FlowLens servers of this node only, with the configured id, every
// allocation's port for the configured protocols, and name/egg/nest labels.
#include <gtest/gtest.h>

#include "fixture.h"
#include "page_parser.h"
#include "server_mapping.h"

namespace flowlens::discovery_pterodactyl {
namespace {

using sdk::Proto;

std::vector<PanelServer> fixture_servers() {
  return parse_server_page(test::fixture("servers_page_1_of_2.json")).servers;
}

std::vector<std::pair<uint16_t, Proto>> endpoints(const sdk::Server& s) {
  std::vector<std::pair<uint16_t, Proto>> out;
  for (const auto& e : s.endpoints) out.emplace_back(e.port, e.proto);
  return out;
}

TEST(ServerMapping, OnlyThisNodesServersEachAllocationPortForTcpAndUdp) {
  const MappedServers m = map_servers(fixture_servers(), 1, {});
  ASSERT_EQ(m.servers.size(), 1u) << "the CS2 server is on node 2";
  const sdk::Server& s = m.servers[0];
  EXPECT_EQ(s.id, "1a7ce997-259b-452e-8b4e-cecc464142ca");
  EXPECT_EQ(s.name, "Survival");
  // 25565 is allocated on two addresses: one port for the kernel.
  EXPECT_EQ(
      endpoints(s),
      (std::vector<std::pair<uint16_t, Proto>>{
          {25565, Proto::kTcp}, {25565, Proto::kUdp}, {25575, Proto::kTcp}, {25575, Proto::kUdp}}));
  EXPECT_EQ(s.labels,
            (std::map<std::string, std::string>{{"name", "Survival"},
                                                {"uuid", "1a7ce997-259b-452e-8b4e-cecc464142ca"},
                                                {"node", "1"},
                                                {"egg", "3"},
                                                {"nest", "1"}}));
  EXPECT_TRUE(m.skipped.empty());
}

TEST(ServerMapping, EveryIdSource) {
  struct Row {
    IdSource source;
    const char* id;
  };
  for (const Row& row : {Row{IdSource::kUuid, "e0b1e5a2-8f3c-4d4e-9a51-7b3f0f5d2c11"},
                         Row{IdSource::kIdentifier, "e0b1e5a2"}, Row{IdSource::kName, "CS2 Retake"},
                         Row{IdSource::kExternalId, "billing-4411"}}) {
    MappingOptions options;
    options.id_source = row.source;
    const MappedServers m = map_servers(fixture_servers(), 2, options);
    ASSERT_EQ(m.servers.size(), 1u);
    EXPECT_EQ(m.servers[0].id, row.id);
    EXPECT_EQ(m.servers[0].labels.count("nest"), 0u) << "no nest, no label";
  }
}

TEST(ServerMapping, ConfiguredProtocolsOnly) {
  MappingOptions udp_only;
  udp_only.tcp = false;
  const MappedServers m = map_servers(fixture_servers(), 2, udp_only);
  ASSERT_EQ(m.servers.size(), 1u);
  EXPECT_EQ(endpoints(m.servers[0]),
            (std::vector<std::pair<uint16_t, Proto>>{{27015, Proto::kUdp}}));
}

TEST(ServerMapping, ServersWithoutIdOrPortOrWithATakenIdAreSkippedWithAReason) {
  std::vector<PanelServer> panel = fixture_servers();
  panel[1].node = 1;
  PanelServer twin = panel[1];
  twin.id = 10;
  twin.uuid = "twin";
  PanelServer portless = panel[1];
  portless.id = 11;
  portless.external_id = "portless";
  portless.allocations.clear();
  panel.push_back(twin);
  panel.push_back(portless);

  MappingOptions by_external;
  by_external.id_source = IdSource::kExternalId;
  const MappedServers m = map_servers(panel, 1, by_external);
  ASSERT_EQ(m.servers.size(), 1u);
  EXPECT_EQ(m.servers[0].id, "billing-4411");
  ASSERT_EQ(m.skipped.size(), 3u);
  EXPECT_EQ(m.skipped[0],
            "panel server 5 ('Survival', 1a7ce997-259b-452e-8b4e-cecc464142ca) has no external_id "
            "(server_id_source); it is not watched");
  EXPECT_NE(m.skipped[1].find("has the same id 'billing-4411' as panel server 9"),
            std::string::npos)
      << m.skipped[1];
  EXPECT_NE(
      m.skipped[2].find("panel server 11 ('CS2 Retake', e0b1e5a2-8f3c-4d4e-9a51-7b3f0f5d2c11) "
                        "has no allocation"),
      std::string::npos)
      << m.skipped[2];
}

}  // namespace
}  // namespace flowlens::discovery_pterodactyl
