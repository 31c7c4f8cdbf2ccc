// SPDX-License-Identifier: BSD-2-Clause
// The sink over real HTTP on loopback: what a scraper gets, the token, a removed server's series
// going away, and a busy port failing start with the address. Every wait is bounded.
#include "exposition.h"
#include "prometheus_sink.h"
#include "test_client.h"

#include "free_port.h"
#include "secret_file.h"
#include "test_host.h"
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace flowlens::prometheus_sink {
namespace {

namespace testing = http::testing;

sdk::Snapshot snapshot_of(std::initializer_list<std::pair<std::string, int>> servers) {
  sdk::Snapshot s;
  s.timestamp_unix_ms = 1'795'000'000'000;
  for (const auto& [id, players] : servers) {
    sdk::ServerEstimate& e = s.servers.emplace_back();
    e.server_id = id;
    e.name = id;
    e.known = players >= 0;  // -1: unknown
    e.active_players = players >= 0 ? static_cast<uint32_t>(players) : 0;
  }
  return s;
}

std::unique_ptr<PrometheusSink> start(const std::string& extra_json = {}) {
  auto sink = std::make_unique<PrometheusSink>(
      parse_config(R"({"listen": ["127.0.0.1:)" + flowlens::testing::free_port_text() + "\"]" +
                   extra_json + "}"),
      "9.9.9", flowlens::testing::test_host());
  sink->set_host_health([] { return std::string(R"({"version":"1.2.3","bpf_attached":true})"); });
  sink->start();
  return sink;
}

unsigned short port(const PrometheusSink& sink) {
  return sink.local_endpoints().at(0).port();
}

bool contains(const std::string& body, const std::string& line) {
  return ("\n" + body).find("\n" + line) != std::string::npos;
}

TEST(PrometheusHttp, ScrapeGetsServersAndHealth) {
  auto sink = start();
  sink->publish(snapshot_of({{"cs", 3}, {"rust", -1}}));
  const auto r = testing::get("127.0.0.1", port(*sink), "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), kContentType);
  EXPECT_TRUE(contains(r->body, "flowlens_active_players{server_id=\"cs\"} 3\n")) << r->body;
  EXPECT_TRUE(contains(r->body, "flowlens_server_known{server_id=\"rust\"} 0\n")) << r->body;
  EXPECT_FALSE(contains(r->body, "flowlens_active_players{server_id=\"rust\"}")) << r->body;
  EXPECT_TRUE(contains(r->body, "flowlens_build_info{version=\"1.2.3\"} 1\n")) << r->body;
  EXPECT_TRUE(contains(r->body, "flowlens_bpf_attached{interface=\"\"} 1\n")) << r->body;
}

TEST(PrometheusHttp, BeforeTheFirstTickNoServerSeriesAtAll) {
  auto sink = start();
  const auto r = testing::get("127.0.0.1", port(*sink), "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(contains(r->body, "flowlens_node_active_players")) << r->body;
  EXPECT_TRUE(contains(r->body, "flowlens_build_info{version=\"1.2.3\"} 1\n")) << r->body;
}

TEST(PrometheusHttp, ARemovedServersSeriesDisappear) {
  auto sink = start();
  sink->publish(snapshot_of({{"cs", 3}, {"mc", 1}}));
  auto r = testing::get("127.0.0.1", port(*sink), "/metrics");
  ASSERT_TRUE(r);
  EXPECT_TRUE(contains(r->body, "flowlens_server_info{name=\"mc\",server_id=\"mc\"} 1\n"));
  sink->publish(snapshot_of({{"cs", 4}}));
  r = testing::get("127.0.0.1", port(*sink), "/metrics");
  ASSERT_TRUE(r);
  EXPECT_TRUE(contains(r->body, "flowlens_active_players{server_id=\"cs\"} 4\n")) << r->body;
  EXPECT_EQ(r->body.find("\"mc\""), std::string::npos) << r->body;
}

TEST(PrometheusHttp, ReopenRereadsTheTokenFileAndKeepsTheTokenWhenTheNewFileIsRefused) {
  const std::string token = flowlens::testing::secret_file("prom-reopen.token", "first\n", 0600);
  auto sink = start(R"(, "bearer_token_file": ")" + token + "\"");
  const auto status = [&](const char* bearer) {
    const auto reply = testing::get("127.0.0.1", port(*sink), "/metrics", bearer);
    return reply ? reply->status : -1;
  };
  EXPECT_EQ(status("first"), 200);
  flowlens::testing::secret_file("prom-reopen.token", "second\n", 0600);
  sink->reopen();
  EXPECT_EQ(status("second"), 200);
  EXPECT_EQ(status("first"), 401);
  ::unlink(token.c_str());
  try {
    sink->reopen();
    ADD_FAILURE() << "a missing token file went unnoticed";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "bearer_token_file: " + token +
                                         ": cannot open: No such file or directory; still using "
                                         "the previous bearer token");
  }
  EXPECT_EQ(status("second"), 200);
}

TEST(PrometheusHttp, BearerTokenWhenConfigured) {
  auto sink = start(R"(, "bearer_token": "s3cret")");
  sink->publish(snapshot_of({{"cs", 3}}));
  const auto none = testing::get("127.0.0.1", port(*sink), "/metrics");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_TRUE(none->header("www-authenticate").starts_with("Bearer"));
  EXPECT_EQ(none->body.find("flowlens_"), std::string::npos);
  const auto wrong = testing::get("127.0.0.1", port(*sink), "/metrics", "nope");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  const auto ok = testing::get("127.0.0.1", port(*sink), "/metrics", "s3cret");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_TRUE(contains(ok->body, "flowlens_active_players{server_id=\"cs\"} 3\n"));
}

TEST(PrometheusHttp, OtherPathsAndMethods) {
  auto sink = start();
  const auto missing = testing::get("127.0.0.1", port(*sink), "/metrics/x");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  const auto index = testing::get("127.0.0.1", port(*sink), "/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("/metrics"), std::string::npos);
  testing::TestConnection post("127.0.0.1", port(*sink));
  ASSERT_TRUE(post.send(testing::request("POST", "/metrics", "", "Content-Length: 0\r\n")));
  const auto refused = post.read_reply(std::chrono::seconds(5));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 405);
  EXPECT_EQ(refused->header("allow"), "GET, HEAD");
  testing::TestConnection head("127.0.0.1", port(*sink));
  ASSERT_TRUE(head.send(testing::request("HEAD", "/metrics")));
  const auto h = head.read_reply(std::chrono::seconds(5), true);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_TRUE(h->body.empty());
}

TEST(PrometheusHttp, BusyPortFailsStartWithTheAddressAndReason) {
  auto first = start();
  const std::string listen = "127.0.0.1:" + std::to_string(port(*first));
  PrometheusSink second(parse_config(R"({"listen": [")" + listen + "\"]}"), "9.9.9",
                        flowlens::testing::test_host());
  try {
    second.start();
    FAIL() << "second bind succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot listen on " + listen + ": bind: Address already in use");
  }
}

}  // namespace
}  // namespace flowlens::prometheus_sink
