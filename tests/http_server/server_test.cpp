// SPDX-License-Identifier: BSD-2-Clause
// The shared server with a plain handler over loopback: both families, ":PORT" reaching IPv4 and
// IPv6, the server's own errors in the application's format, a throwing handler, a busy port.
// Every wait is bounded.
#include "server.h"
#include "test_client.h"

#include <boost/beast/http/field.hpp>
#include "free_port.h"
#include "test_host.h"
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowlens::http {
namespace {

using namespace std::chrono_literals;
namespace bhttp = boost::beast::http;

constexpr auto kReplyTimeout = 5s;

// Echoes the method and path; /throw throws.
Response echo(const Request& request) {
  if (request.target() == "/throw") throw std::runtime_error("handler bug");
  Response res{bhttp::status::ok, request.version()};
  res.set(bhttp::field::content_type, "text/plain");
  res.body() =
      SharedText::of(std::string(request.method_string()) + " " + std::string(request.target()));
  res.content_length(res.body().text.size());
  return res;
}

// Listen texts ending in ":0" get one free port (the parser refuses port 0, as operators need).
ServerOptions options(std::vector<std::string> listen) {
  ServerOptions o;
  o.name = "test-server";
  const std::string port = flowlens::testing::free_port_text();
  for (auto l : listen) {
    if (l.ends_with(":0")) l = l.substr(0, l.size() - 1) + port;
    o.listen.push_back(parse_listen_address(l));
  }
  return o;
}

unsigned short port_of(const Server& s, bool v6) {
  for (const auto& ep : s.local_endpoints()) {
    if (ep.address().is_v6() == v6) return ep.port();
  }
  return 0;
}

TEST(Server, ServesTheHandlerOnBothFamilies) {
  Server server(flowlens::testing::test_host(), options({"127.0.0.1:0", "[::1]:0"}), echo, nullptr);
  server.start();
  ASSERT_EQ(server.local_endpoints().size(), 2u);
  for (const auto& [host, v6] : {std::pair{"127.0.0.1", false}, {"::1", true}}) {
    const auto reply = testing::get(host, port_of(server, v6), "/metrics?x=1");
    ASSERT_TRUE(reply) << host;
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, "GET /metrics?x=1");
  }
}

TEST(Server, ColonPortReachesIpv4AndIpv6) {
  Server server(flowlens::testing::test_host(), options({":0"}), echo, nullptr);
  server.start();
  const unsigned short port = server.local_endpoints().at(0).port();
  const auto v4 = testing::get("127.0.0.1", port, "/a");
  const auto v6 = testing::get("::1", port, "/b");
  ASSERT_TRUE(v4);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v4->body, "GET /a");
  EXPECT_EQ(v6->body, "GET /b");
}

TEST(Server, ItsOwnErrorsUseTheApplicationsFormat) {
  const ErrorResponder json_errors = [](bhttp::status status, std::string_view message) {
    Response res{status, 11};
    res.set(bhttp::field::content_type, "application/json");
    res.body() = SharedText::of("{\"error\":\"" + std::string(message) + "\"}");
    res.content_length(res.body().text.size());
    return res;
  };
  ServerOptions o = options({"127.0.0.1:0"});
  o.limits.max_body_bytes = 8;
  Server server(flowlens::testing::test_host(), o, echo, nullptr, json_errors);
  server.start();
  const unsigned short port = port_of(server, false);

  testing::TestConnection big("127.0.0.1", port);
  ASSERT_TRUE(big.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" +
                       std::string(100, 'a')));
  const auto too_big = big.read_reply(kReplyTimeout);
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->status, 413);
  EXPECT_EQ(too_big->body, "{\"error\":\"request body too large\"}");

  const auto thrown = testing::get("127.0.0.1", port, "/throw");
  ASSERT_TRUE(thrown);
  EXPECT_EQ(thrown->status, 500);
  EXPECT_EQ(thrown->body, "{\"error\":\"internal error\"}");
}

TEST(Server, PlainTextErrorsByDefault) {
  Server server(flowlens::testing::test_host(), options({"127.0.0.1:0"}), echo, nullptr);
  server.start();
  testing::TestConnection c("127.0.0.1", port_of(server, false));
  ASSERT_TRUE(c.send("NOT HTTP\r\n\r\n"));
  const auto reply = c.read_reply(kReplyTimeout);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_EQ(reply->body, "malformed request\n");
  EXPECT_TRUE(reply->header("content-type").starts_with("text/plain"));
}

TEST(Server, OverTheConnectionLimitA503InTheApplicationsFormat) {
  ServerOptions o = options({"127.0.0.1:0"});
  o.limits.max_connections = 1;
  Server server(flowlens::testing::test_host(), o, echo, nullptr);
  server.start();
  const unsigned short port = port_of(server, false);
  testing::TestConnection first("127.0.0.1", port);
  ASSERT_TRUE(first.send(testing::request("GET", "/")));
  ASSERT_TRUE(first.read_reply(kReplyTimeout));  // keep-alive: still counted
  const auto refused = testing::get("127.0.0.1", port, "/");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->body, "too many connections\n");
  EXPECT_EQ(refused->header("retry-after"), "1");
}

TEST(Server, TheConnectionLimitIsCountedAndLoggedOnceNotPerRefusal) {
  ServerOptions o = options({"127.0.0.1:0"});
  o.limits.max_connections = 1;
  std::mutex mutex;
  std::vector<std::string> warnings;
  Server server(flowlens::testing::test_host(), o, echo,
                [&](LogLevel level, std::string_view line) {
                  std::lock_guard lock(mutex);
                  if (level == LogLevel::kWarn) warnings.emplace_back(line);
                });
  server.start();
  const unsigned short port = port_of(server, false);
  testing::TestConnection first("127.0.0.1", port);
  ASSERT_TRUE(first.send(testing::request("GET", "/")));
  ASSERT_TRUE(first.read_reply(kReplyTimeout));
  for (int i = 0; i < 5; ++i) {
    const auto refused = testing::get("127.0.0.1", port, "/");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 503);
  }
  const ConnectionStats stats = server.connection_stats();
  EXPECT_EQ(stats.open, 1u);
  EXPECT_EQ(stats.max, 1u);
  EXPECT_EQ(stats.refused, 5u);
  std::lock_guard lock(mutex);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("test-server: connection limit reached (1 open"), std::string::npos)
      << warnings[0];
}

TEST(Server, BusyPortFailsStartWithTheAddressAndReason) {
  Server first(flowlens::testing::test_host(), options({"127.0.0.1:0"}), echo, nullptr);
  first.start();
  const std::string listen = "127.0.0.1:" + std::to_string(port_of(first, false));
  Server second(flowlens::testing::test_host(), options({"127.0.0.1:0", listen}), echo, nullptr);
  try {
    second.start();
    FAIL() << "second bind succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot listen on " + listen + ": bind: Address already in use");
  }
  EXPECT_TRUE(second.local_endpoints().empty());  // nothing half-started
}

TEST(Server, StopClosesConnectionsAndIsIdempotent) {
  Server server(flowlens::testing::test_host(), options({"127.0.0.1:0"}), echo, nullptr);
  server.start();
  const unsigned short port = port_of(server, false);
  testing::TestConnection c("127.0.0.1", port);
  ASSERT_TRUE(c.send(testing::request("GET", "/")));
  ASSERT_TRUE(c.read_reply(kReplyTimeout));
  server.stop();
  EXPECT_TRUE(c.closed_within(2s));
  server.stop();
  EXPECT_FALSE(testing::get("127.0.0.1", port, "/"));
}

}  // namespace
}  // namespace flowlens::http
