// SPDX-License-Identifier: BSD-2-Clause
// Figures for the README: what one push of 1,000 servers costs on the wire (lines, datagrams,
// bytes, per tag dialect, as a loopback receiver counts them), how long the delivery thread
// spends on it, and how much the loaded, started sink adds to the process's resident memory.
// Prints numbers; never passes or fails on them.
//
//   build-*/tests/sink_statsd/flowlens-statsd-bench [servers] [pushes]
#include "c_snapshot.h"
#include "loaded_plugin.h"
#include "loopback_socket.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

using namespace flowlens::statsd;
using namespace flowlens::statsd::testing;

namespace {

long rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

Samples servers(std::size_t count, uint64_t round) {
  Samples out(count);
  for (std::size_t i = 0; i < count; ++i) {
    out[i].id = "server-" + std::to_string(i);
    out[i].known = i % 20 != 0;  // one in twenty unknown, as just after a rescan
    out[i].active_players = static_cast<uint32_t>(i % 64);
    out[i].unique_ips = static_cast<uint32_t>(i % 64);
    out[i].total_bytes = (round + 1) * 100'000 * (i + 1);
    out[i].labels = {{"game", "rust"}, {"region", "eu-west"}};
  }
  return out;
}

struct Counted {
  std::atomic<std::size_t> datagrams{0}, bytes{0}, lines{0};
};

}  // namespace

int main(int argc, char** argv) {
  const std::size_t count = argc > 1 ? std::stoul(argv[1]) : 1000;
  const int pushes = argc > 2 ? std::stoi(argv[2]) : 50;
  std::printf(
      "sink-statsd: %zu servers (1 in 20 unknown, 2 labels each), %d pushes, UDP to a "
      "loopback receiver\n\n",
      count, pushes);
  // One snapshot per push, byte totals growing as on a live host; built before anything is
  // measured.
  std::vector<std::unique_ptr<CSnapshot>> rounds;
  for (int i = 0; i <= pushes; ++i) {
    rounds.push_back(std::make_unique<CSnapshot>(servers(count, static_cast<uint64_t>(i))));
  }
  // Resident memory: the process before loading the sink, and after it has pushed.
  Socket sink_hole(SOCK_DGRAM);
  const long before = rss_kib();
  {
    LoadedPlugin so;
    so.start(R"({"address": ")" + sink_hole.address() + R"(", "tags": "dogstatsd"})");
    for (int i = 0; i < pushes; ++i) so.deliver(rounds[static_cast<std::size_t>(i)]->get());
    const long after = rss_kib();
    std::printf(
        "RSS: %ld KiB before loading the sink, %ld KiB after %d pushes of %zu servers: "
        "+%ld KiB\n\n",
        before, after, pushes, count, after - before);
  }
  std::printf("%-10s %6s %10s %12s %12s %14s\n", "tags", "max", "lines/push", "datagrams", "bytes",
              "push median");
  for (const char* dialect : {"none", "dogstatsd", "influxdb", "graphite"}) {
    for (std::size_t max : {std::size_t{1432}, std::size_t{8932}}) {
      Socket receiver(SOCK_DGRAM);
      Counted counted;
      std::atomic<bool> done{false};
      std::thread reader([&] {
        while (!done) {
          if (auto d = receiver.receive(std::chrono::milliseconds(50))) {
            ++counted.datagrams;
            counted.bytes += d->size();
            counted.lines += static_cast<std::size_t>(std::count(d->begin(), d->end(), '\n')) + 1;
          }
        }
      });
      LoadedPlugin so;
      const std::string config = R"({"address": ")" + receiver.address() + R"(", "tags": ")" +
                                 dialect + R"(", "max_packet_bytes": )" + std::to_string(max) + "}";
      if (std::string error = so.start(config); !error.empty()) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
      }
      so.deliver(rounds[0]->get());  // the first push sets the byte baselines: not measured
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      counted.datagrams = counted.bytes = counted.lines = 0;
      std::vector<double> micros;
      for (int i = 0; i < pushes; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        so.deliver(rounds[static_cast<std::size_t>(i) + 1]->get());
        micros.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                .count());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // let the reader keep up
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      done = true;
      reader.join();
      std::nth_element(micros.begin(), micros.begin() + micros.size() / 2, micros.end());
      std::printf("%-10s %6zu %10.0f %12.1f %12.0f %11.0f us\n", dialect, max,
                  double(counted.lines) / pushes, double(counted.datagrams) / pushes,
                  double(counted.bytes) / pushes, micros[micros.size() / 2]);
    }
  }

  return 0;
}
