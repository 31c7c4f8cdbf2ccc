// SPDX-License-Identifier: BSD-2-Clause
// Prints a full exposition (servers + health) for `promtool check metrics`, or, with --bench,
// serves it on loopback and reports scrape time, body size and the sink's RSS increase.
//   flowlens-prometheus-exposition [--servers N]            print the exposition
//   flowlens-prometheus-exposition --bench [--servers N] [--scrapes K]
#include "exposition.h"
#include "free_port.h"
#include "test_host.h"
#include "prometheus_sink.h"
#include "synthetic.h"
#include "test_client.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace flowlens::prometheus_sink;
using Clock = std::chrono::steady_clock;

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

int bench(std::size_t servers, int scrapes) {
  const flowlens::sdk::Snapshot snapshot = testing::synthetic_snapshot(servers, 1'795'000'000'000);
  const long rss_before = rss_kib();
  PrometheusSink sink(
      parse_config(R"({"listen":["127.0.0.1:)" + flowlens::testing::free_port_text() +
                   R"("],"labels":["game"]})"),
      "bench", flowlens::testing::test_host());
  sink.set_host_health([] { return std::string(testing::kFullHealth); });
  const auto render_start = Clock::now();
  sink.publish(snapshot);
  const double render_ms = ms_since(render_start);
  sink.start();
  const unsigned short port = sink.local_endpoints().at(0).port();
  std::vector<double> times;
  std::size_t body = 0;
  for (int i = 0; i < scrapes; ++i) {
    const auto t0 = Clock::now();
    const auto reply = flowlens::http::testing::get("127.0.0.1", port, "/metrics");
    times.push_back(ms_since(t0));
    if (!reply || reply->status != 200) {
      std::fprintf(stderr, "scrape %d failed\n", i);
      return 1;
    }
    body = reply->body.size();
  }
  const long rss_after = rss_kib();
  std::sort(times.begin(), times.end());
  std::printf(
      "servers=%zu scrapes=%d render_ms=%.2f scrape_ms_median=%.2f scrape_ms_p99=%.2f "
      "scrape_ms_max=%.2f body_bytes=%zu rss_increase_kib=%ld\n",
      servers, scrapes, render_ms, times[times.size() / 2],
      times[std::min(times.size() - 1, times.size() * 99 / 100)], times.back(), body,
      rss_after - rss_before);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t servers = 1000;
  int scrapes = 200;
  bool run_bench = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--servers" && i + 1 < argc) {
      servers = std::strtoul(argv[++i], nullptr, 10);
    } else if (a == "--scrapes" && i + 1 < argc) {
      scrapes = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--bench") {
      run_bench = true;
    } else {
      std::fprintf(stderr, "usage: %s [--bench] [--servers N] [--scrapes K]\n", argv[0]);
      return 2;
    }
  }
  if (run_bench) return bench(servers, scrapes);
  // A node label too, so that the linted exposition is the fullest one.
  SeriesConfig series;
  series.node = "game-host-1";
  series.labels = {{"game", "game"}, {"com.example.node", "com_example_node"}};
  const boost::json::value health = boost::json::parse(testing::kFullHealth);
  std::cout << render_servers(testing::synthetic_snapshot(servers, 1'795'000'000'000), series)
            << render_health({health.get_object(),
                              std::nullopt,
                              std::chrono::system_clock::now(),
                              "0.1.0",
                              series.node,
                              {}});
  return 0;
}
