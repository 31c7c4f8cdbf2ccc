// SPDX-License-Identifier: BSD-2-Clause
// flowlens-jsonapi-bench-server [--port N] [--servers N] [--threads N] [--seconds N]
// Serves a synthetic snapshot through the real sink on 127.0.0.1 with auth: none, prints
// "port N" once listening, and exits after --seconds (default 60) so it can never outlive a
// benchmark run.
#include "jsonapi_sink.h"
#include "synthetic_snapshot.h"
#include "test_host.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  using namespace flowlens::jsonapi;
  unsigned long port = 0, servers = 1000, threads = 1, seconds = 60;
  for (int i = 1; i + 1 < argc; i += 2) {
    const unsigned long v = std::strtoul(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--port"))
      port = v;
    else if (!std::strcmp(argv[i], "--servers"))
      servers = v;
    else if (!std::strcmp(argv[i], "--threads"))
      threads = v;
    else if (!std::strcmp(argv[i], "--seconds"))
      seconds = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  try {
    const std::string json = "{\"auth\":\"none\",\"listen\":[\"127.0.0.1:" + std::to_string(port) +
                             "\"],\"threads\":" + std::to_string(threads) + "}";
    JsonApiSink sink(parse_config(json), FLOWLENS_JSONAPI_VERSION, flowlens::testing::test_host());
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const Snapshot snapshot = testing::synthetic_snapshot(servers, now);
    sink.publish(snapshot);
    sink.start();
    const RenderedSnapshot rendered(snapshot, true, true);
    std::printf("body %zu bytes\n", rendered.list_body().text.size());
    std::printf("gzip %zu bytes\n", rendered.list_gzip()->text.size());
    std::printf("port %u\n", static_cast<unsigned>(sink.local_endpoints().at(0).port()));
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    sink.stop();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench server: %s\n", e.what());
    return 1;
  }
  return 0;
}
