// SPDX-License-Identifier: BSD-2-Clause
// Answers shaped like the panel's documented ones become servers, nodes and pagination; every
// other shape is an error naming the place, and a null_resource says the key lacks allocations.
#include <gtest/gtest.h>

#include "fixture.h"
#include "page_parser.h"

namespace flowlens::discovery_pterodactyl {
namespace {

using test::fixture;

TEST(PageParser, ReadsServersWithAllocationsAndPagination) {
  const ServerPage page = parse_server_page(fixture("servers_page_1_of_2.json"));
  EXPECT_EQ(page.pagination.current_page, 1);
  EXPECT_EQ(page.pagination.total_pages, 2);
  EXPECT_EQ(page.pagination.total, 3);
  ASSERT_EQ(page.servers.size(), 2u);

  const PanelServer& mc = page.servers[0];
  EXPECT_EQ(mc.id, 5);
  EXPECT_EQ(mc.uuid, "1a7ce997-259b-452e-8b4e-cecc464142ca");
  EXPECT_EQ(mc.identifier, "1a7ce997");
  EXPECT_EQ(mc.name, "Survival");
  EXPECT_FALSE(mc.external_id.has_value());
  EXPECT_EQ(mc.node, 1);
  EXPECT_EQ(mc.egg, 3);
  EXPECT_EQ(mc.nest, 1);
  ASSERT_EQ(mc.allocations.size(), 3u);
  EXPECT_EQ(mc.allocations[1].ip, "203.0.113.11");
  EXPECT_EQ(mc.allocations[1].port, 25565);
  EXPECT_EQ(mc.allocations[2].port, 25575);

  const PanelServer& cs = page.servers[1];
  EXPECT_EQ(cs.external_id, "billing-4411");
  EXPECT_EQ(cs.node, 2);
  EXPECT_FALSE(cs.nest.has_value()) << "Pelican has no nests";
}

TEST(PageParser, AnEmptyPanelIsOnePageOfNothing) {
  const ServerPage page = parse_server_page(fixture("servers_empty_panel.json"));
  EXPECT_TRUE(page.servers.empty());
  EXPECT_EQ(page.pagination.total_pages, 1);
}

TEST(PageParser, NullResourceAllocationsSayTheKeyLacksAllocationAccess) {
  try {
    parse_server_page(fixture("servers_allocations_null_resource.json"));
    FAIL() << "a null_resource was taken as no allocations";
  } catch (const AllocationsDeniedError& e) {
    EXPECT_STREQ(e.what(),
                 "data[0].attributes.relationships.allocations is a null_resource: the API key "
                 "lacks read access to allocations (give the application API key Allocations: "
                 "Read)");
  }
}

TEST(PageParser, ReadsNodes) {
  const NodePage page = parse_node_page(fixture("nodes_by_uuid.json"));
  ASSERT_EQ(page.nodes.size(), 1u);
  EXPECT_EQ(page.nodes[0].id, 2);
  EXPECT_EQ(page.nodes[0].uuid, "6b2c0f3e-6a5e-4a4b-9c8d-2f7a1e0b9c44");
  EXPECT_EQ(page.nodes[0].name, "fra-2");
  EXPECT_EQ(page.nodes[0].fqdn, "fra-2.nodes.example.com");
}

// Each row: a change to a good answer, and the start of the message that must name it.
struct BadAnswer {
  const char* what;
  std::string body;
  const char* message;
};

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("fixture lacks " + from);
  return text.replace(at, from.size(), to);
}

TEST(PageParser, EveryOtherShapeIsAnErrorNamingThePlace) {
  const std::string good = fixture("servers_page_1_of_2.json");
  const BadAnswer rows[] = {
      {"truncated", good.substr(0, good.size() / 2), "answer is not valid JSON"},
      {"not JSON", "<html>502 Bad Gateway</html>", "answer is not valid JSON"},
      {"a list at the top", "[]", "(answer): expected a map, got a list"},
      {"no meta", R"({"object":"list","data":[]})", "meta: missing"},
      {"total_pages a string", replaced(good, R"("total_pages": 2)", R"("total_pages": "2")"),
       "meta.pagination.total_pages: expected an integer, got '2'"},
      {"absurd total_pages", replaced(good, R"("total_pages": 2)", R"("total_pages": 1e9)"),
       "meta.pagination.total_pages: expected 1 to 100000"},
      {"data a map",
       replaced(good, R"("data": [
    {
      "object": "server")",
                R"("data": {"x": [{"object": "server")"),
       "answer is not valid JSON"},
      {"uuid missing", replaced(good, R"("uuid": "1a7ce997-259b-452e-8b4e-cecc464142ca",)", ""),
       "data[0].attributes.uuid: missing"},
      {"node a string", replaced(good, R"("node": 2,)", R"("node": "fra-2",)"),
       "data[1].attributes.node: expected an integer, got 'fra-2'"},
      {"port out of range", replaced(good, R"("port": 27015)", R"("port": 70000)"),
       "data[1].attributes.relationships.allocations.data[0].attributes.port: expected 1 to "
       "65535"},
      {"not allocations included",
       replaced(good, R"("object": "allocation", "attributes": {"id": 40)",
                R"("object": "user", "attributes": {"id": 40)"),
       "data[1].attributes.relationships.allocations.data[0].object: expected 'allocation'"},
      {"no relationships (include dropped)",
       replaced(
           good, R"("relationships": {
          "allocations": {
            "object": "list",
            "data": [
              {"object": "allocation", "attributes": {"id": 40)",
           R"("relationships": {"x": {"object": "list", "data": [{"object": "allocation", "attributes": {"id": 40)"),
       "data[1].attributes.relationships.allocations: missing"},
  };
  for (const BadAnswer& row : rows) {
    try {
      parse_server_page(row.body);
      ADD_FAILURE() << row.what << ": accepted";
    } catch (const PanelFormatError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(row.message, 0), 0u)
          << row.what << ": got \"" << e.what() << "\", expected it to start with \"" << row.message
          << "\"";
    }
  }
}

}  // namespace
}  // namespace flowlens::discovery_pterodactyl
