// SPDX-License-Identifier: BSD-2-Clause
// The pure readers: docker_host, API version negotiation, event lines and container facts,
// from recorded API 1.41 answers and API 1.52 shapes, and from broken ones.
#include <gtest/gtest.h>

#include <sstream>

#include "api_version.h"
#include "container_facts.h"
#include "docker_event.h"
#include "docker_host.h"
#include "event_lines.h"
#include "fixture.h"

namespace flowlens::discovery_docker {
namespace {

using testing::fixture_json;
using testing::fixture_text;

TEST(DockerHost, UnixAndTcpWithDefaults) {
  auto u = parse_docker_host("unix:///var/run/docker.sock");
  EXPECT_EQ(u.kind, DockerHost::Kind::kUnix);
  EXPECT_EQ(u.path, "/var/run/docker.sock");
  auto t = parse_docker_host("tcp://10.0.0.5");
  EXPECT_EQ(t.kind, DockerHost::Kind::kTcp);
  EXPECT_EQ(t.host, "10.0.0.5");
  EXPECT_EQ(t.port, 2375);
  auto t6 = parse_docker_host("tcp://[::1]:2376/");
  EXPECT_EQ(t6.host, "::1");
  EXPECT_EQ(t6.port, 2376);
}

TEST(DockerHost, RefusesOtherSchemesSayingWhatWorks) {
  for (const char* bad :
       {"ssh://user@host", "npipe:////./pipe/docker_engine", "default", "unix://relative.sock",
        "tcp://:2375", "tcp://h:0", "tcp://h:70000", "tcp://::1:2375", "tcp://h:2375/path"}) {
    try {
      parse_docker_host(bad);
      ADD_FAILURE() << bad << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("supported: unix://"), std::string::npos) << e.what();
    }
  }
}

TEST(DockerHost, ConfigThenEnvironmentThenDefault) {
  EXPECT_EQ(choose_docker_host("tcp://a", std::string("tcp://b")), "tcp://a");
  EXPECT_EQ(choose_docker_host("", std::string("tcp://b")), "tcp://b");
  EXPECT_EQ(choose_docker_host("", std::nullopt), "unix:///var/run/docker.sock");
}

TEST(ApiVersion, SpeaksTheLowerOfServerAndOursNeverBelowTheServersMinimum) {
  EXPECT_EQ(negotiate_api_version("1.41", "1.12").text(), "1.41");  // Debian's 20.10
  EXPECT_EQ(negotiate_api_version("1.52", "1.44").text(), "1.52");  // Docker 29
  EXPECT_EQ(negotiate_api_version("1.60", "1.44").text(), "1.52");  // newer than we know
  EXPECT_EQ(negotiate_api_version("1.60", "1.55").text(), "1.55");  // our newest is too old
  EXPECT_EQ(negotiate_api_version("1.41", "").text(), "1.41");
  EXPECT_THROW(negotiate_api_version("", "1.12"), std::runtime_error);
  EXPECT_THROW(negotiate_api_version("one.two", "1.12"), std::runtime_error);
}

std::vector<DockerEvent> read_events(const std::string& file) {
  std::vector<DockerEvent> out;
  std::istringstream in(fixture_text(file));
  for (std::string line; std::getline(in, line);) out.push_back(parse_event_line(line));
  return out;
}

TEST(DockerEvents, StreamLinesAreCutAtEachLineEndAndTheRestWaits) {
  std::vector<std::string> lines;
  const auto keep = [&](std::string_view l) { lines.emplace_back(l); };
  // Keep-alive blank lines are skipped; a "\r\n" end loses its '\r', "\r\r\n" only the last.
  const std::string received = "{\"a\":1}\r\n\n\r\n{\"b\":2}\r\r\n{\"c\":";
  EXPECT_EQ(take_event_lines(received, keep), received.find("{\"c\""));
  EXPECT_EQ(lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}\r"}));
  EXPECT_EQ(take_event_lines("no line end yet", keep), 0u);
  EXPECT_EQ(lines.size(), 2u);
}

TEST(DockerEvents, ApiOneFortyOneAndOneFiftyTwoReadAlike) {
  auto old_shape = read_events("events_v1.41.ndjson");
  auto new_shape = read_events("events_v1.52.ndjson");
  ASSERT_EQ(old_shape.size(), 10u);
  ASSERT_EQ(new_shape.size(), old_shape.size());
  for (size_t i = 0; i < old_shape.size(); ++i) {
    EXPECT_EQ(old_shape[i].type, "container");
    EXPECT_EQ(new_shape[i].action, old_shape[i].action);
    EXPECT_EQ(new_shape[i].id, old_shape[i].id);
    EXPECT_EQ(new_shape[i].attributes, old_shape[i].attributes);
  }
  EXPECT_EQ(old_shape[4].action, "rename");
  EXPECT_EQ(old_shape[4].attributes.at("name"), "g1renamed");
  EXPECT_EQ(old_shape[1].attributes.at("flowlens.ports"), "27020/udp,27021/udp");
}

TEST(DockerEvents, ActionIsThePartBeforeAColon) {
  auto e = parse_event_line(
      R"({"Type":"container","Action":"exec_start: sh -c x","Actor":{"ID":"abc","Attributes":{}}})");
  EXPECT_EQ(e.action, "exec_start");
}

TEST(DockerEvents, BrokenLinesAreErrorsNotCrashes) {
  for (const char* bad : {"", "{", "[]", "null", R"({"Type":"container","Action":"start"})",
                          R"({"Type":"container","Action":"start","Actor":{"ID":5}})",
                          R"({"Type":"container","Action":"start","Actor":[]})"}) {
    EXPECT_THROW(parse_event_line(bad), std::runtime_error) << bad;
  }
}

TEST(DockerEvents, FiltersSelectContainersTheWatchedActionsAndTheLabels) {
  auto f = boost::json::parse(event_filters_json({{"Service", "Pterodactyl"}})).as_object();
  EXPECT_EQ(f.at("type").as_array().size(), 1u);
  EXPECT_EQ(f.at("event").as_array().size(), 6u);
  EXPECT_EQ(f.at("label").as_array()[0].as_string(), "Service=Pterodactyl");
  EXPECT_EQ(list_filters_json({}), "{}");
  EXPECT_EQ(url_encode("{\"a\":[\"b=c\"]}"), "%7B%22a%22%3A%5B%22b%3Dc%22%5D%7D");
}

TEST(ContainerFacts, ListOfApiOneFortyOne) {
  auto list = facts_from_list(fixture_json("containers_v1.41.json"));
  ASSERT_EQ(list.size(), 2u);
  const auto& wings = list[0].name == "wings-uuid" ? list[0] : list[1];
  const auto& game = list[0].name == "wings-uuid" ? list[1] : list[0];
  EXPECT_EQ(game.name, "g1renamed");
  EXPECT_EQ(game.labels.at("game"), "cs");
  // Bound on 0.0.0.0 and :: but one endpoint per (port, protocol).
  EXPECT_EQ(game.published, (std::vector<PublishedPort>{{27015, true}, {27016, false}}));
  EXPECT_EQ(wings.labels.at("ContainerType"), "server_process");
  EXPECT_EQ(wings.published, (std::vector<PublishedPort>{
                                 {25565, false}, {25565, true}, {25566, false}, {25566, true}}));
  EXPECT_FALSE(wings.details.has_value()) << "the list has no hostname or environment";
}

TEST(ContainerFacts, ListOfApiOneFiftyTwoWithAHostNetworkContainer) {
  auto list = facts_from_list(fixture_json("containers_v1.52.json"));
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[2].name, "rust-host");
  EXPECT_TRUE(list[2].host_network());
  EXPECT_TRUE(list[2].published.empty());
  EXPECT_EQ(list[2].labels.at("flowlens.ports"), "28015/udp,28016/tcp");
}

TEST(ContainerFacts, InspectGivesHostnameEnvironmentAndBindings) {
  auto f = facts_from_inspect(fixture_json("inspect_wings_v1.41.json"));
  EXPECT_EQ(f.name, "wings-uuid");
  EXPECT_EQ(f.state, "running");
  ASSERT_TRUE(f.details);
  EXPECT_EQ(f.details->hostname, "0f3e9c2a-1b2c-4d5e-8f90-a1b2c3d4e5f6");
  EXPECT_EQ(f.details->env.at("SERVER_PORT"), "25565");
  EXPECT_EQ(f.published.size(), 4u);
  EXPECT_EQ(f.labels.at("Service"), "Pterodactyl");
}

TEST(ContainerFacts, MalformedAnswersNameThePlace) {
  auto expect_error = [](const std::string& json, const std::string& where) {
    try {
      facts_from_list(boost::json::parse(json));
      ADD_FAILURE() << json << " accepted";
    } catch (const AnswerError& e) {
      EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
    }
  };
  expect_error(R"({"message":"page not found"})", "expected a JSON array");
  expect_error(R"([{"Id":"a"},{"Names":["/x"]}])", "container list[1]");
  expect_error(R"([{"Id":"abc","Ports":[{"PublicPort":"x","Type":"udp"}]}])",
               "Ports[0].PublicPort");
  expect_error(R"([{"Id":"abc","Ports":[{"PublicPort":5,"Type":"sctp"}]}])", "Ports[0].Type");
  expect_error(R"([{"Id":"abc","Labels":{"a":1}}])", "Labels.a");
  expect_error(R"([{"Id":"abc","HostConfig":[]}])", "HostConfig");
  EXPECT_THROW(facts_from_inspect(boost::json::parse(R"({"Id":"a","Config":{"Env":"x"}})")),
               AnswerError);
  EXPECT_THROW(facts_from_inspect(boost::json::parse("[]")), AnswerError);
}

TEST(ContainerFacts, UnpublishedPortsAreIgnored) {
  auto list = facts_from_list(boost::json::parse(
      R"([{"Id":"abc","Ports":[{"PrivatePort":80,"Type":"tcp"},{"PrivatePort":81,"PublicPort":null,"Type":"tcp"}]}])"));
  EXPECT_TRUE(list[0].published.empty());
}

TEST(ContainerFacts, TruncatedAnswerIsNotJson) {
  const std::string full = fixture_text("containers_v1.41.json");
  boost::system::error_code ec;
  boost::json::parse(full.substr(0, full.size() / 2), ec);
  EXPECT_TRUE(ec) << "a truncated answer must be refused by the JSON parser, not half-read";
}

}  // namespace
}  // namespace flowlens::discovery_docker
