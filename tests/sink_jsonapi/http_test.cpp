// SPDX-License-Identifier: BSD-2-Clause
// The sink over real HTTP on loopback (IPv4 and IPv6, ephemeral ports). Every wait is bounded.
#include "jsonapi_sink.h"
#include "synthetic_snapshot.h"
#include "test_client.h"

#include "free_port.h"
#include "secret_file.h"
#include "test_host.h"
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace flowlens::jsonapi {
namespace {

using namespace std::chrono_literals;
using http::testing::HttpReply;
using http::testing::TestConnection;

constexpr char kKey[] = "test-key";
constexpr auto kReplyTimeout = 5s;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Running {
  std::unique_ptr<JsonApiSink> sink;
  unsigned short v4_port = 0;
  unsigned short v6_port = 0;
};

// Starts a sink on 127.0.0.1 and [::1] (a free port) with `extra` config keys, serving 50 servers.
Running start_sink(const std::string& extra = {}) {
  const std::string port = flowlens::testing::free_port_text();
  const std::string json = R"({"listen":["127.0.0.1:)" + port + R"(","[::1]:)" + port +
                           R"("],"api_key":")" + kKey + "\"" + (extra.empty() ? "" : "," + extra) +
                           "}";
  Running r;
  r.sink =
      std::make_unique<JsonApiSink>(parse_config(json), "test", flowlens::testing::test_host());
  r.sink->publish(testing::synthetic_snapshot(50, now_ms()));
  r.sink->start();
  for (const auto& ep : r.sink->local_endpoints()) {
    (ep.address().is_v4() ? r.v4_port : r.v6_port) = ep.port();
  }
  return r;
}

TEST(Http, AuthAcceptedAndRefusedOnBothFamilies) {
  const Running r = start_sink();
  for (const auto& [host, port] : {std::pair{"127.0.0.1", r.v4_port}, {"::1", r.v6_port}}) {
    SCOPED_TRACE(host);
    const auto ok = http::testing::get(host, port, "/metrics/servers", kKey);
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    EXPECT_TRUE(ok->body.starts_with("{\"servers\":[{\"server_id\":\"srv-0\""));
    const auto refused = http::testing::get(host, port, "/metrics/servers", "wrong");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 401);
    EXPECT_EQ(refused->body, "{\"error\":\"unauthorized\"}");
    EXPECT_TRUE(refused->header("www-authenticate").starts_with("Bearer"));
    const auto none = http::testing::get(host, port, "/metrics/servers/srv-1");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 401);
  }
}

TEST(Http, ServerFoundAndNotFound) {
  const Running r = start_sink();
  const auto one = http::testing::get("127.0.0.1", r.v4_port, "/metrics/servers/srv-3", kKey);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_TRUE(one->body.starts_with("{\"server_id\":\"srv-3\",\"status\":\"ok\""));
  const auto missing = http::testing::get("::1", r.v6_port, "/metrics/servers/srv-999", kKey);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->body, "{\"error\":\"server not found\"}");
  const auto health = http::testing::get("127.0.0.1", r.v4_port, "/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200) << health->body;
}

TEST(Http, KeepAliveUntilTheCapThenClose) {
  const Running r = start_sink(R"("limits":{"max_keepalive_requests":3})");
  TestConnection c("127.0.0.1", r.v4_port);
  ASSERT_TRUE(c.is_open());
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(c.send(http::testing::request(i == 2 ? "HEAD" : "GET", "/metrics/servers", kKey)));
    const auto reply = c.read_reply(kReplyTimeout, i == 2);
    ASSERT_TRUE(reply) << "request " << i;
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->headers.count("connection") == 1, i == 3) << "request " << i;
  }
  EXPECT_TRUE(c.closed_within(2s));
}

TEST(Http, MalformedRequestsGet400AndAClose) {
  const Running r = start_sink();
  for (const std::string bad :
       {"GARBAGE\r\n\r\n", "GET / HTTQ/1.1\r\n\r\n", "GET /\x01 HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nno-colon-header\r\n\r\n"}) {
    SCOPED_TRACE(bad);
    TestConnection c("127.0.0.1", r.v4_port);
    ASSERT_TRUE(c.send(bad));
    const auto reply = c.read_reply(kReplyTimeout);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 400);
    EXPECT_EQ(reply->body, "{\"error\":\"malformed request\"}");
    EXPECT_TRUE(c.closed_within(3s));
  }
}

TEST(Http, OversizedHeaderGets431) {
  const Running r = start_sink();
  TestConnection c("::1", r.v6_port);
  const std::string huge =
      "X-Filler: " + std::string(2 * http::kDefaultMaxHeaderBytes, 'a') + "\r\n";
  ASSERT_TRUE(c.send(http::testing::request("GET", "/metrics/servers", kKey, huge)));
  const auto reply = c.read_reply(kReplyTimeout);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
  EXPECT_EQ(reply->body, "{\"error\":\"request header too large\"}");
  EXPECT_TRUE(c.closed_within(3s));
}

TEST(Http, OversizedBodyGets413AndSmallBodyGets405) {
  const Running r = start_sink();
  {
    TestConnection c("127.0.0.1", r.v4_port);
    const std::string length = std::to_string(http::kDefaultMaxBodyBytes * 4);
    ASSERT_TRUE(c.send(http::testing::request("POST", "/metrics/servers", kKey,
                                              "Content-Length: " + length + "\r\n") +
                       std::string(http::kDefaultMaxBodyBytes * 4, 'b')));
    const auto reply = c.read_reply(kReplyTimeout);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 413);
    EXPECT_EQ(reply->body, "{\"error\":\"request body too large\"}");
  }
  {
    TestConnection c("127.0.0.1", r.v4_port);
    ASSERT_TRUE(c.send(
        http::testing::request("POST", "/metrics/servers", kKey, "Content-Length: 2\r\n") + "{}"));
    const auto reply = c.read_reply(kReplyTimeout);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 405);
    EXPECT_EQ(reply->header("allow"), "GET, HEAD");
  }
}

TEST(Http, IdleConnectionIsClosed) {
  const Running r = start_sink(R"("limits":{"idle_timeout_ms":300})");
  TestConnection c("127.0.0.1", r.v4_port);
  ASSERT_TRUE(c.is_open());
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_within(5s));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 250ms);
}

TEST(Http, SlowRequestIsClosedAfterTheReadTimeout) {
  const Running r = start_sink(R"("limits":{"read_timeout_ms":300,"idle_timeout_ms":10000})");
  TestConnection c("127.0.0.1", r.v4_port);
  ASSERT_TRUE(c.send("GET /metrics/servers HTTP/1.1\r\nHost: x\r\n"));  // never finished
  EXPECT_TRUE(c.closed_within(5s));
}

TEST(Http, ConnectionLimitRefusesWith503) {
  const Running r = start_sink(R"("limits":{"max_connections":4})");
  std::vector<std::unique_ptr<TestConnection>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<TestConnection>("127.0.0.1", r.v4_port));
    // A full round trip proves the server has accepted and counted this connection.
    ASSERT_TRUE(held.back()->send(http::testing::request("GET", "/", kKey)));
    ASSERT_TRUE(held.back()->read_reply(kReplyTimeout));
  }
  TestConnection extra("127.0.0.1", r.v4_port);
  const auto busy = extra.read_reply(kReplyTimeout);
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(busy->body, "{\"error\":\"too many connections\"}");

  held.pop_back();  // frees a slot once the server sees the close
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    const auto reply = http::testing::get("127.0.0.1", r.v4_port, "/", kKey);
    served = reply && reply->status == 200;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

TEST(Http, TwoHundredConcurrentClientsAllGetTheRightAnswer) {
  constexpr int kClients = 200;
  constexpr int kRequestsEach = 5;
  const Running r = start_sink(R"("threads":2)");  // sessions on strands across two threads
  // Every client must get exactly the list a lone client gets.
  const auto list = http::testing::get("127.0.0.1", r.v4_port, "/metrics/servers", kKey);
  ASSERT_TRUE(list);
  std::atomic<int> correct{0};
  std::latch all_connected(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] {
      TestConnection c(i % 2 ? "127.0.0.1" : "::1", i % 2 ? r.v4_port : r.v6_port);
      all_connected.count_down();
      all_connected.wait();  // every client holds its connection open at the same time
      for (int k = 0; k < kRequestsEach && c.is_open(); ++k) {
        const bool whole_list = k % 2 == 0;
        const std::string id = "srv-" + std::to_string((i + k) % 50);
        if (!c.send(http::testing::request(
                "GET", whole_list ? "/metrics/servers" : "/metrics/servers/" + id, kKey))) {
          return;
        }
        const auto reply = c.read_reply(10s);
        if (!reply || reply->status != 200) return;
        const bool right = whole_list ? reply->body == list->body
                                      : reply->body.starts_with("{\"server_id\":\"" + id + "\"");
        if (right) ++correct;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(correct.load(), kClients * kRequestsEach);
}

TEST(Http, ANewSnapshotIsServedAtOnce) {
  const Running r = start_sink();
  Snapshot next;
  next.timestamp_unix_ms = now_ms();
  next.servers.push_back({});
  next.servers.back().server_id = "fresh";
  next.servers.back().known = true;
  next.servers.back().active_players = 7;
  r.sink->publish(next);
  const auto reply = http::testing::get("127.0.0.1", r.v4_port, "/metrics/servers", kKey);
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->body.starts_with("{\"servers\":[{\"server_id\":\"fresh\""));
  EXPECT_NE(reply->body.find("\"active_players\":7"), std::string::npos);
}

TEST(Http, ReopenRereadsTheKeyFileAndKeepsTheKeyWhenTheNewFileIsRefused) {
  const std::string key = flowlens::testing::secret_file("jsonapi-reopen.key", "first\n", 0600);
  JsonApiSink sink(parse_config(R"({"listen":"127.0.0.1:)" + flowlens::testing::free_port_text() +
                                R"(","api_key_file":")" + key + "\"}"),
                   "test", flowlens::testing::test_host());
  sink.publish(testing::synthetic_snapshot(5, now_ms()));
  sink.start();
  const unsigned short port = sink.local_endpoints().at(0).port();
  const auto status = [&](const char* bearer) {
    const auto reply = http::testing::get("127.0.0.1", port, "/metrics/servers", bearer);
    return reply ? reply->status : -1;
  };
  EXPECT_EQ(status("first"), 200);

  flowlens::testing::secret_file("jsonapi-reopen.key", "second\n", 0600);  // rotated
  EXPECT_EQ(status("second"), 401) << "read again only when told (SIGHUP)";
  sink.reopen();
  EXPECT_EQ(status("second"), 200);
  EXPECT_EQ(status("first"), 401);

  flowlens::testing::secret_file("jsonapi-reopen.key", "third\n", 0644);
  try {
    sink.reopen();
    ADD_FAILURE() << "a key file readable by others was used";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "api_key_file: " + key +
                  ": readable by others (mode 0644): chmod o-r it (0600, or 0640 with the "
                  "daemon's group); still using the previous API key");
  }
  EXPECT_EQ(status("second"), 200);
  EXPECT_EQ(status("third"), 401);
}

TEST(Http, BusyPortFailsStartWithTheAddress) {
  const Running r = start_sink();
  const std::string listen = "127.0.0.1:" + std::to_string(r.v4_port);
  JsonApiSink second(parse_config(R"({"auth":"none","listen":[")" + listen + "\"]}"), "test",
                     flowlens::testing::test_host());
  try {
    second.start();
    FAIL() << "second bind succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on " + listen), std::string::npos)
        << e.what();
  }
}

TEST(Http, StopClosesOpenConnectionsAndJoins) {
  Running r = start_sink();
  TestConnection c("127.0.0.1", r.v4_port);
  ASSERT_TRUE(c.send(http::testing::request("GET", "/", kKey)));
  ASSERT_TRUE(c.read_reply(kReplyTimeout));
  r.sink->stop();
  EXPECT_TRUE(c.closed_within(2s));
  EXPECT_FALSE(http::testing::get("127.0.0.1", r.v4_port, "/"));
}

}  // namespace
}  // namespace flowlens::jsonapi
