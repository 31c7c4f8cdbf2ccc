// SPDX-License-Identifier: BSD-2-Clause
// discovery-static's config parsing, table-driven: what is published, and errors naming fields.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <flowlens/sdk/endpoint_text.hpp>
#include "server_list.h"

namespace flowlens::discovery_static {
namespace {

std::vector<sdk::Server> parse(std::string_view json) {
  const boost::json::object object = boost::json::parse(json).as_object();
  return parse_server_list(sdk::Config(object));
}

std::vector<std::string> endpoints_of(const sdk::Server& s) {
  std::vector<std::string> out;
  for (const auto& ep : s.endpoints) out.push_back(sdk::to_string(ep));
  return out;
}

TEST(ServerList, PublishesWhatTheConfigSays) {
  auto servers = parse(R"({"servers":[
      {"id":"minecraft","name":"Minecraft","endpoints":["25565/tcp"],"labels":{"game":"minecraft"}},
      {"id":"cs2","endpoints":["27015-27016/udp","27015/tcp"]},
      {"id":42,"endpoints":["7777/udp"],"labels":{"slot":3}}]})");
  ASSERT_EQ(servers.size(), 3u);
  EXPECT_EQ(servers[0].id, "minecraft");
  EXPECT_EQ(servers[0].name, "Minecraft");
  EXPECT_EQ(endpoints_of(servers[0]), std::vector<std::string>{"25565/tcp"});
  EXPECT_EQ(servers[0].labels, (std::map<std::string, std::string>{{"game", "minecraft"}}));
  EXPECT_EQ(servers[1].name, "");  // the host shows the id
  EXPECT_EQ(endpoints_of(servers[1]),
            (std::vector<std::string>{"27015/tcp", "27015/udp", "27016/udp"}));
  EXPECT_EQ(servers[2].id, "42");  // an unquoted number in YAML is still a usable id
  EXPECT_EQ(servers[2].labels.at("slot"), "3");
}

TEST(ServerList, AnEmptyListIsValid) {
  EXPECT_TRUE(parse(R"({"servers":[]})").empty());
}

TEST(ServerList, ErrorsNameTheField) {
  struct Case {
    const char* json;
    const char* message;
  };
  for (const Case& c : {
           Case{R"({})", "servers: missing"},
           Case{R"({"servers":{}})", "servers: expected a list of maps, got a map"},
           Case{R"({"servers":[],"extra":1})", "extra: unknown key (expected one of: servers)"},
           Case{R"({"servers":["mc"]})", "servers[0]: expected a map"},
           Case{R"({"servers":[{"endpoints":["1/tcp"]}]})", "servers[0]: missing key 'id'"},
           Case{R"({"servers":[{"id":"a b","endpoints":["1/tcp"]}]})",
                "servers[0].id: expected letters, digits"},
           Case{R"({"servers":[{"id":1.5,"endpoints":["1/tcp"]}]})",
                "servers[0].id: expected a string (quote it in YAML), got '1.5'"},
           Case{R"({"servers":[{"id":"a"}]})", "servers[0]: missing key 'endpoints'"},
           Case{R"({"servers":[{"id":"a","endpoints":[]}]})",
                "servers[0].endpoints: expected a non-empty list"},
           Case{R"({"servers":[{"id":"a","endpoints":["1/tcp"]},{"id":"b","endpoints":["2/tcp"]},
                {"id":"c","endpoints":["3/tcp","27015"]}]})",
                "servers[2].endpoints[1]: expected PORT/PROTO such as 27015/udp"},
           Case{R"({"servers":[{"id":"a","endpoints":[27015]}]})",
                "servers[0].endpoints[0]: expected a string, got '27015'"},
           Case{R"({"servers":[{"id":"a","endpoints":["1/tcp"],"label":{}}]})",
                "servers[0].label: unknown key (expected one of: id, name, endpoints, labels)"},
           Case{R"({"servers":[{"id":"a","endpoints":["1/tcp"],"labels":{"v":1.5}}]})",
                "servers[0].labels.v: expected a string (quote it in YAML), got '1.5'"},
           Case{
               R"({"servers":[{"id":"a","endpoints":["1/tcp"]},{"id":"a","endpoints":["2/tcp"]}]})",
               "servers[1].id: 'a' is already the id of servers[0]"},
           Case{R"({"servers":[{"id":"ark","endpoints":["7777-7778/udp"]},
                {"id":"sf","endpoints":["7777/udp"]}]})",
                "servers[1].endpoints: 7777/udp is already claimed by servers[0] ('ark')"},
       }) {
    try {
      parse(c.json);
      ADD_FAILURE() << "accepted " << c.json;
    } catch (const sdk::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos)
          << "expected: " << c.message << "\nactual:   " << e.what();
    }
  }
}

TEST(ServerList, SamePortOnTheOtherProtocolIsNoConflict) {
  auto servers = parse(R"({"servers":[{"id":"ark","endpoints":["7777/udp"]},
                                      {"id":"terraria","endpoints":["7777/tcp"]}]})");
  EXPECT_EQ(servers.size(), 2u);
}

}  // namespace
}  // namespace flowlens::discovery_static
