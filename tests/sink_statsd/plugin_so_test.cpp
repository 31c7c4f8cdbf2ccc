// SPDX-License-Identifier: BSD-2-Clause
// The built sink-statsd.so through its C entry point: what arrives on a loopback socket, and how
// long the delivery thread is held when StatsD refuses, hangs or stops reading.
#include "c_snapshot.h"
#include "fixture_file.h"
#include "loaded_plugin.h"
#include "loopback_socket.h"
#include "sample_servers.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <list>
#include <sstream>
#include <thread>

namespace flowlens::statsd::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string udp_config(const Socket& receiver, const std::string& more = "") {
  return R"({"address": ")" + receiver.address() + "\"" + more + "}";
}

Samples many_servers(std::size_t count, uint64_t bytes) {
  Samples out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i].id = "server-" + std::to_string(i);
    out[i].known = true;
    out[i].active_players = static_cast<uint32_t>(i % 64);
    out[i].unique_ips = static_cast<uint32_t>(i % 64);
    out[i].total_bytes = bytes * (i + 1);
    out[i].labels = {{"game", "rust"}};
  }
  return out;
}

std::size_t count_lines(const std::vector<std::string>& datagrams) {
  std::size_t n = 0;
  for (const auto& d : datagrams)
    n += static_cast<std::size_t>(std::count(d.begin(), d.end(), '\n')) + 1;
  return n;
}

TEST(PluginSo, DescriptorIsASink) {
  LoadedPlugin so;
  EXPECT_STREQ(so.descriptor()->name, "sink-statsd");
  EXPECT_EQ(so.descriptor()->capabilities, static_cast<uint32_t>(FLOWLENS_CAP_SINK));
  EXPECT_NE(so.descriptor()->on_snapshot, nullptr);
}

TEST(PluginSo, BadConfigIsAConfigErrorNamingTheKey) {
  LoadedPlugin so;
  EXPECT_EQ(so.start(R"({"address": "statsd"})").rfind("address: expected host:port", 0), 0u);
  LoadedPlugin other;
  EXPECT_EQ(other.start(R"({"tags": "yes"})").rfind("tags: expected one of", 0), 0u);
}

TEST(PluginSo, EachDialectSendsItsRecordedDatagram) {
  for (const char* dialect : {"none", "dogstatsd", "influxdb", "graphite"}) {
    Socket receiver(SOCK_DGRAM);
    LoadedPlugin so;
    ASSERT_EQ(so.start(udp_config(receiver, std::string(R"(, "tags": ")") + dialect + "\"")), "");
    const CSnapshot first(fixture_servers(1000)), second(fixture_servers(5096));
    ASSERT_EQ(so.deliver(first.get()), FLOWLENS_OK);
    ASSERT_TRUE(receiver.receive()) << so.all_logs();
    ASSERT_EQ(so.deliver(second.get()), FLOWLENS_OK);
    EXPECT_EQ(receiver.receive(), fixture(std::string(dialect) + ".datagram")) << dialect;
  }
}

TEST(PluginSo, TcpSendsTheSameLinesEachEndedByANewline) {
  Socket listener(SOCK_STREAM);
  ASSERT_EQ(::listen(listener.fd(), 4), 0);
  LoadedPlugin so;
  ASSERT_EQ(so.start(R"({"protocol": "tcp", "address": ")" + listener.address() + "\"}"), "");
  const CSnapshot first(fixture_servers(1000)), second(fixture_servers(5096));
  ASSERT_EQ(so.deliver(first.get()), FLOWLENS_OK);
  ASSERT_EQ(so.deliver(second.get()), FLOWLENS_OK);
  const int conn = ::accept(listener.fd(), nullptr, nullptr);
  ASSERT_GE(conn, 0);
  std::string stream;
  const std::string want = fixture("none.datagram") + "\n";
  for (int i = 0; i < 50 && !stream.ends_with(want); ++i) {
    pollfd p{conn, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(conn, buf, sizeof buf, 0);
    if (n <= 0) break;
    stream.append(buf, static_cast<std::size_t>(n));
  }
  ::close(conn);
  ASSERT_GT(stream.size(), want.size());
  EXPECT_EQ(stream.substr(stream.size() - want.size()), want) << "one connection, both pushes";
}

TEST(PluginSo, ThousandServersSplitIntoFullDatagramsOfWholeLines) {
  Socket receiver(SOCK_DGRAM);
  LoadedPlugin so;
  ASSERT_EQ(so.start(udp_config(receiver, R"(, "max_packet_bytes": 512)")), "");
  const CSnapshot snapshot(many_servers(1000, 10));
  ASSERT_EQ(so.deliver(snapshot.get()), FLOWLENS_OK);
  const auto datagrams = receiver.drain();
  // Three gauges per server, two node totals (no bytes counter on the first push).
  EXPECT_EQ(count_lines(datagrams), 1000u * 3 + 2) << so.all_logs();
  for (const auto& d : datagrams) {
    EXPECT_LE(d.size(), 512u);
    std::istringstream lines(d);
    for (std::string line; std::getline(lines, line);) {
      EXPECT_TRUE(line.starts_with("flowlens.")) << "broken line: " << line;
      EXPECT_TRUE(line.ends_with("|g")) << "broken line: " << line;
    }
  }
}

TEST(PluginSo, RefusedUdpIsLoggedOnceAndSendingResumesWhenStatsdIsBack) {
  uint16_t port = 0;
  {
    Socket gone(SOCK_DGRAM);
    port = gone.port();
  }  // closed: the port now answers with ICMP port unreachable
  LoadedPlugin so;
  ASSERT_EQ(so.start(R"({"address": "127.0.0.1:)" + std::to_string(port) + "\"}"), "");
  const CSnapshot snapshot(fixture_servers(1000));
  for (int i = 0; i < 5; ++i) {
    const auto t0 = Clock::now();
    EXPECT_EQ(so.deliver(snapshot.get()), FLOWLENS_OK);
    EXPECT_LT(Clock::now() - t0, milliseconds(100)) << "a refusing StatsD held the thread";
    std::this_thread::sleep_for(milliseconds(20));  // let the ICMP answer arrive
  }
  int refused = 0;
  for (const auto& line : so.logs())
    refused += line.find("Connection refused") != std::string::npos;
  EXPECT_EQ(refused, 1) << "one warning, not one per interval:\n" << so.all_logs();

  Socket back(SOCK_DGRAM, port);
  for (int i = 0; i < 3 && !so.logged("work again"); ++i) so.deliver(snapshot.get());
  EXPECT_TRUE(back.receive());
  EXPECT_TRUE(so.logged("work again")) << so.all_logs();
}

TEST(PluginSo, TcpConnectThatHangsIsBoundedByTheTimeout) {
  // A listener whose accept queue is full: the kernel drops further SYNs, so a connect neither
  // succeeds nor fails, like a StatsD host that went silent.
  Socket listener(SOCK_STREAM);
  ASSERT_EQ(::listen(listener.fd(), 0), 0);
  std::list<Socket> fillers;
  for (int i = 0; i < 3; ++i) {
    fillers.emplace_back(SOCK_STREAM);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(listener.port());
    const int flags = ::fcntl(fillers.back().fd(), F_GETFL);
    ::fcntl(fillers.back().fd(), F_SETFL, flags | O_NONBLOCK);
    ::connect(fillers.back().fd(), reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  std::this_thread::sleep_for(milliseconds(100));
  LoadedPlugin so;
  ASSERT_EQ(so.start(R"({"protocol": "tcp", "timeout": "200ms", "address": ")" +
                     listener.address() + "\"}"),
            "");
  const CSnapshot snapshot(fixture_servers(1000));
  for (int i = 0; i < 3; ++i) {
    const auto t0 = Clock::now();
    EXPECT_EQ(so.deliver(snapshot.get()), FLOWLENS_OK);
    const auto took = Clock::now() - t0;
    EXPECT_LT(took, milliseconds(700)) << "push " << i;
  }
  EXPECT_TRUE(so.logged("no answer within 200 ms")) << so.all_logs();
}

TEST(PluginSo, TcpPeerThatStopsReadingIsBoundedByTheTimeout) {
  Socket listener(SOCK_STREAM);
  ASSERT_EQ(::listen(listener.fd(), 4), 0);
  LoadedPlugin so;
  ASSERT_EQ(so.start(R"({"protocol": "tcp", "timeout": "200ms", "address": ")" +
                     listener.address() + "\"}"),
            "");
  // ~0.8 MB a push. The bound is the timeout plus rendering 5,000 servers, which takes up to
  // half a second in a sanitizer build.
  const CSnapshot snapshot(many_servers(5000, 10));
  // Accepted by the kernel, never read: the socket buffers (a few MB) fill within a few pushes.
  for (int i = 0; i < 60 && !so.logged("bytes within 200 ms"); ++i) {
    const auto t0 = Clock::now();
    EXPECT_EQ(so.deliver(snapshot.get()), FLOWLENS_OK);
    EXPECT_LT(Clock::now() - t0, milliseconds(1500)) << "push " << i;
  }
  EXPECT_TRUE(so.logged("bytes within 200 ms")) << so.all_logs();
}

TEST(PluginSo, HostNameIsResolvedAndFollowed) {
  Socket receiver(SOCK_DGRAM);
  // localhost may resolve to ::1 first: listen there too, on the same port.
  std::optional<Socket> receiver6;
  try {
    receiver6.emplace(SOCK_DGRAM, receiver.port(), true);
  } catch (const std::exception&) {  // no IPv6 loopback here: 127.0.0.1 is what resolves
  }
  LoadedPlugin so;
  ASSERT_EQ(so.start(R"({"address": "localhost:)" + std::to_string(receiver.port()) + "\"}"), "");
  const CSnapshot snapshot(fixture_servers(1000));
  std::optional<std::string> got;
  for (int i = 0; i < 20 && !got; ++i) {  // the first lookup may take a moment
    so.deliver(snapshot.get());
    got = receiver.receive(milliseconds(100));
    if (!got && receiver6) got = receiver6->receive(milliseconds(100));
  }
  ASSERT_TRUE(got) << so.all_logs();
  EXPECT_TRUE(got->starts_with("flowlens.eu_rust_1_x.active_players:7|g\n"));
  EXPECT_TRUE(so.logged("statsd address localhost:" + std::to_string(receiver.port()) + " is "))
      << so.all_logs();
}

}  // namespace
}  // namespace flowlens::statsd::testing
