// SPDX-License-Identifier: BSD-2-Clause
// The API as a table of requests against a fixed state: no sockets.
#include "routed_request.h"
#include "router.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace flowlens::jsonapi {
namespace {

namespace http = boost::beast::http;
using std::chrono::milliseconds;
using testing::body;
using testing::kTick;
using testing::run;

constexpr std::string_view kKey = "s3cret-key";

Snapshot three_servers() {
  Snapshot s;
  s.timestamp_unix_ms = kTick;
  ServerEstimate mc;
  mc.server_id = "mc-1";
  mc.known = true;
  mc.active_players = 2;
  mc.unique_ips = {"203.0.113.7", "2001:db8::1"};
  mc.sample_window_seconds = 60;
  mc.total_bytes = 4096;
  ServerEstimate empty;
  empty.server_id = "cs-2";
  empty.known = true;
  empty.sample_window_seconds = 60;
  ServerEstimate unknown;
  unknown.server_id = "rust 3";
  unknown.known = false;
  unknown.unknown_reason = "just discovered";
  s.servers = {mc, empty, unknown};
  return s;
}

Config bearer_config() {
  Config c;
  c.api_key = std::string(kKey);
  return c;
}

struct Case {
  std::string what;
  http::verb method;
  std::string target;
  std::string authorization;
  unsigned status;
  std::string body_has;  // substring the body must contain ("" = not checked)
};

const std::string kBearer = "Bearer " + std::string(kKey);

const std::vector<Case> kCases = {
    {"index needs no token", http::verb::get, "/", "", 200, "\"service\":\"flowlens\""},
    {"index lists the server route", http::verb::get, "/", "", 200, "/metrics/servers/{id}"},
    {"health needs no token", http::verb::get, "/health", "", 200, "\"status\":\"ok\""},
    {"health reports tick age", http::verb::get, "/health", "", 200,
     "\"last_tick_age_seconds\":1.5"},
    {"health reports the connection limit", http::verb::get, "/health", "", 200,
     "\"connections\":{\"open\":2,\"max\":512,\"refused\":9}"},
    {"list with token", http::verb::get, "/metrics/servers", kBearer, 200, "{\"servers\":[{"},
    {"list ignores a query string", http::verb::get, "/metrics/servers?x=1", kBearer, 200,
     "\"server_id\":\"mc-1\""},
    {"scheme is case-insensitive", http::verb::get, "/metrics/servers", "bearer s3cret-key", 200,
     ""},
    {"list without token", http::verb::get, "/metrics/servers", "", 401,
     "{\"error\":\"unauthorized\"}"},
    {"wrong token", http::verb::get, "/metrics/servers", "Bearer nope", 401, "unauthorized"},
    {"token prefix only", http::verb::get, "/metrics/servers", "Bearer s3cret", 401, ""},
    {"token with extra tail", http::verb::get, "/metrics/servers", kBearer + "x", 401, ""},
    {"basic scheme", http::verb::get, "/metrics/servers", "Basic s3cret-key", 401, ""},
    {"bare token", http::verb::get, "/metrics/servers", std::string(kKey), 401, ""},
    {"one server", http::verb::get, "/metrics/servers/mc-1", kBearer, 200, "\"active_players\":2"},
    {"empty server is 0, not missing", http::verb::get, "/metrics/servers/cs-2", kBearer, 200,
     "\"active_players\":0"},
    {"unknown server is null", http::verb::get, "/metrics/servers/rust%203", kBearer, 200,
     "\"active_players\":null"},
    {"unknown server says why", http::verb::get, "/metrics/servers/rust%203", kBearer, 200,
     "\"unknown_reason\":\"just discovered\""},
    {"missing server", http::verb::get, "/metrics/servers/nope", kBearer, 404,
     "{\"error\":\"server not found\"}"},
    {"auth comes before lookup", http::verb::get, "/metrics/servers/nope", "", 401, "unauthorized"},
    {"bad percent escape", http::verb::get, "/metrics/servers/bad%zz", kBearer, 400,
     "malformed server id"},
    {"truncated percent escape", http::verb::get, "/metrics/servers/bad%2", kBearer, 400, ""},
    {"control character in id", http::verb::get, "/metrics/servers/a%0Ab", kBearer, 400, ""},
    {"id too long", http::verb::get, "/metrics/servers/" + std::string(kMaxServerIdBytes + 1, 'x'),
     kBearer, 400, "malformed server id"},
    {"empty id", http::verb::get, "/metrics/servers/", kBearer, 400, "missing server id"},
    {"nested path", http::verb::get, "/metrics/servers/mc-1/x", kBearer, 404, "not found"},
    {"unknown path", http::verb::get, "/nope", "", 404, "{\"error\":\"not found\"}"},
    {"prefix of a route", http::verb::get, "/metrics/serversX", kBearer, 404, "not found"},
    {"absolute-form target", http::verb::get, "http://x/metrics/servers", kBearer, 400,
     "request target must be a path"},
    {"POST on the list", http::verb::post, "/metrics/servers", kBearer, 405, "method not allowed"},
    {"DELETE on a server", http::verb::delete_, "/metrics/servers/mc-1", kBearer, 405, ""},
    {"PUT on health", http::verb::put, "/health", "", 405, ""},
};

class RouterTable : public ::testing::TestWithParam<Case> {};

TEST_P(RouterTable, AnswersAsSpecified) {
  const Case& c = GetParam();
  const Config config = bearer_config();
  State state;
  state.snapshot = std::make_shared<RenderedSnapshot>(three_servers(), true);
  const Response r = run(config, state, c.method, c.target, c.authorization);
  const std::string b = body(r);
  SCOPED_TRACE(c.what + ": " + std::string(http::to_string(c.method)) + " " + c.target + " -> " +
               std::to_string(r.result_int()) + " " + b);
  EXPECT_EQ(r.result_int(), c.status);
  if (!c.body_has.empty()) {
    EXPECT_NE(b.find(c.body_has), std::string::npos);
  }
  EXPECT_EQ(r[http::field::content_type], "application/json");
  EXPECT_EQ(r[http::field::content_length], std::to_string(b.size()));
  if (c.status == 401) {
    EXPECT_TRUE(r[http::field::www_authenticate].starts_with("Bearer"));
  }
  if (c.status == 405) {
    EXPECT_EQ(r[http::field::allow], "GET, HEAD");
  }
  // Every answer is JSON, errors included.
  EXPECT_TRUE(b.starts_with("{") && b.ends_with("}"));
}

INSTANTIATE_TEST_SUITE_P(Routes, RouterTable, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(Router, ListIsTheOriginalShapeInSnapshotOrder) {
  State state;
  state.snapshot = std::make_shared<RenderedSnapshot>(three_servers(), true);
  const Response r = run(bearer_config(), state, http::verb::get, "/metrics/servers", kBearer);
  EXPECT_EQ(body(r),
            "{\"servers\":["
            "{\"server_id\":\"mc-1\",\"status\":\"ok\",\"active_players\":2,"
            "\"unique_ips\":[\"203.0.113.7\",\"2001:db8::1\"],\"sample_window_seconds\":60,"
            "\"total_bytes\":4096,\"timestamp\":\"2026-11-18T11:06:40Z\"},"
            "{\"server_id\":\"cs-2\",\"status\":\"ok\",\"active_players\":0,\"unique_ips\":[],"
            "\"sample_window_seconds\":60,\"total_bytes\":0,"
            "\"timestamp\":\"2026-11-18T11:06:40Z\"},"
            "{\"server_id\":\"rust 3\",\"status\":\"unknown\",\"active_players\":null,"
            "\"unknown_reason\":\"just discovered\",\"unique_ips\":[],"
            "\"sample_window_seconds\":0,\"total_bytes\":0,"
            "\"timestamp\":\"2026-11-18T11:06:40Z\"}]}");
}

TEST(Router, OneServerIsExactlyItsObjectInTheList) {
  State state;
  state.snapshot = std::make_shared<RenderedSnapshot>(three_servers(), true);
  const std::string list =
      body(run(bearer_config(), state, http::verb::get, "/metrics/servers", kBearer));
  const std::string one =
      body(run(bearer_config(), state, http::verb::get, "/metrics/servers/cs-2", kBearer));
  EXPECT_NE(list.find("," + one + ","), std::string::npos) << one;
}

TEST(Router, HeadHasTheLengthButNoBody) {
  State state;
  state.snapshot = std::make_shared<RenderedSnapshot>(three_servers(), true);
  const Response get = run(bearer_config(), state, http::verb::get, "/metrics/servers", kBearer);
  const Response head = run(bearer_config(), state, http::verb::head, "/metrics/servers", kBearer);
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_TRUE(head.body().text.empty());
  EXPECT_EQ(head[http::field::content_length], std::to_string(get.body().text.size()));
}

TEST(Router, ListIsGzippedOnlyForClientsThatAskForIt) {
  State state;
  state.snapshot = std::make_shared<RenderedSnapshot>(three_servers(), true, true);
  Request req{http::verb::get, "/metrics/servers", 11};
  req.set(http::field::authorization, kBearer);
  const RouteInputs in{bearer_config(),         state,   std::chrono::seconds(0),
                       std::chrono::seconds(1), "9.9.9", {}};
  const Response plain = route(req, in);
  EXPECT_EQ(plain.count(http::field::content_encoding), 0u);
  EXPECT_EQ(plain[http::field::vary], "Accept-Encoding");
  req.set(http::field::accept_encoding, "gzip, deflate");
  const Response gz = route(req, in);
  EXPECT_EQ(gz[http::field::content_encoding], "gzip");
  EXPECT_EQ(gz.body().text, state.snapshot->list_gzip()->text);
  // A single server is small: always identity.
  req.target("/metrics/servers/mc-1");
  EXPECT_EQ(route(req, in).count(http::field::content_encoding), 0u);
}

TEST(Router, IncludeIpsFalseLeavesAddressesOut) {
  State state;
  state.snapshot = std::make_shared<RenderedSnapshot>(three_servers(), false);
  const std::string b =
      body(run(bearer_config(), state, http::verb::get, "/metrics/servers", kBearer));
  EXPECT_EQ(b.find("unique_ips"), std::string::npos);
  EXPECT_EQ(b.find("203.0.113.7"), std::string::npos);
}

TEST(Router, AuthNoneServesWithoutToken) {
  Config config;
  config.auth = AuthMode::kNone;
  State state;
  state.snapshot = std::make_shared<RenderedSnapshot>(three_servers(), true);
  EXPECT_EQ(run(config, state, http::verb::get, "/metrics/servers").result_int(), 200);
  EXPECT_NE(body(run(config, state, http::verb::get, "/")).find("\"auth\":\"none\""),
            std::string::npos);
}

TEST(Router, BeforeTheFirstTickMetricsAre503NotEmpty) {
  const State state;  // no snapshot
  const Response list = run(bearer_config(), state, http::verb::get, "/metrics/servers", kBearer);
  EXPECT_EQ(list.result_int(), 503);
  EXPECT_EQ(body(list), "{\"error\":\"no snapshot yet\"}");
  EXPECT_EQ(list[http::field::retry_after], "1");
  const Response health = run(bearer_config(), state, http::verb::get, "/health");
  EXPECT_EQ(health.result_int(), 503);
  EXPECT_NE(body(health).find("\"status\":\"starting\""), std::string::npos);
}

}  // namespace
}  // namespace flowlens::jsonapi
