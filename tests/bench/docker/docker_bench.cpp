// SPDX-License-Identifier: BSD-2-Clause
// discovery-docker figures (prints numbers; not pass/fail):
//   1. `docker run -d` returned -> the server published by the plugin (real dockerd in its own
//      netns, as tests/discovery_docker starts it), p50/p99 over N runs; also measured from the
//      container's start event time as dockerd stamps it.
//   2. Time to list and map 500 containers: the plugin's full sync against an engine on loopback
//      that answers a 500-entry list (API 1.41 shape) and 500 inspects, from start to all 500
//      servers published; with server_id_source name (list only) and hostname (list + inspect).
//   3. The pure mapping of that list (JSON parse + facts + map) alone.
// Usage: flowlens-docker-bench [RUNS]   (root for figure 1; skipped otherwise)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "container_facts.h"
#include "fake_engine.h"
#include "plugin_host/loader.h"
#include "plugin_host/plugin_instance.h"
#include "recording_services.h"
#include "server_mapper.h"
#include "test_dockerd.h"

namespace {

using namespace flowlens;
using namespace flowlens::discovery_docker;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * (v.size() - 1) + 0.5));
  return v[i];
}

std::unique_ptr<plugin_host::PluginInstance> start_plugin(testing::RecordingServices& services,
                                                          const std::string& config) {
  auto inst = std::make_unique<plugin_host::PluginInstance>(
      "docker", plugin_host::load_plugin(FLOWLENS_BENCH_PLUGIN_DIR, "discovery-docker"), services);
  inst->create(config);
  inst->start();
  return inst;
}

void run_to_published(int runs) {
  if (!testing::TestDockerd::unavailable_reason().empty()) {
    std::printf("docker run -> published: skipped (%s)\n",
                testing::TestDockerd::unavailable_reason().c_str());
    return;
  }
  testing::TestDockerd dockerd;
  dockerd.start();
  testing::RecordingServices services;
  auto inst = start_plugin(services, R"({"docker_host":")" + dockerd.host() +
                                         R"(","server_id_source":"name","grace_period":0})");
  services.wait_logs(plugin_host::LogLevel::kInfo, "connected to docker", 1, 30s);
  std::vector<double> from_event, from_invoke;
  for (int i = 0; i < runs; ++i) {
    const std::string name = "bench-" + std::to_string(i);
    const auto since = std::chrono::system_clock::now() - 1s;
    const auto invoked = Clock::now();
    dockerd.docker("run -d --name " + name + " -p 27015:27015/udp " + testing::TestDockerd::kImage +
                   " sleep 1000");
    if (!services.wait_present(name, 5s)) {
      std::printf("run %d: not published within 5 s\n", i);
      continue;
    }
    from_invoke.push_back(ms(Clock::now() - invoked));
    const auto published = services.published_at(name);
    // dockerd's own time of the start event (the container's process is running).
    const long long since_s =
        std::chrono::duration_cast<std::chrono::seconds>(since.time_since_epoch()).count();
    // --until in the past (now) makes `docker events` print the history and return.
    const double until =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    char until_text[64];
    std::snprintf(until_text, sizeof until_text, "%.9f", until);
    const std::string nanos = dockerd.docker(
        "events --since " + std::to_string(since_s) + " --until " + until_text +
        " --filter container=" + name + " --filter event=start --format '{{.TimeNano}}'");
    const auto started = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(std::stoll(nanos))));
    from_event.push_back(ms(published - started));
    dockerd.docker("rm -f " + name);
    services.wait_absent(name, 5s);
  }
  std::vector<double>& after_return = from_event;
  inst->stop();
  inst->destroy();
  if (after_return.empty()) return;
  std::printf(
      "container start event (dockerd's time) -> server published (%zu runs): p50 %.2f ms, "
      "p99 %.2f ms, max %.2f ms\n",
      after_return.size(), percentile(after_return, 50), percentile(after_return, 99),
      *std::max_element(after_return.begin(), after_return.end()));
  std::printf(
      "`docker run -d` invoked -> server published (Docker's create and start included): "
      "p50 %.0f ms, p99 %.0f ms\n",
      percentile(from_invoke, 50), percentile(from_invoke, 99));
}

std::string container_list(int n) {
  boost::json::array list;
  for (int i = 0; i < n; ++i) {
    const std::string id = std::string(56, 'a') + std::to_string(10000000 + i);
    boost::json::object c;
    c["Id"] = id;
    c["Names"] = boost::json::array{"/game-" + std::to_string(i)};
    c["Image"] = "ghcr.io/pterodactyl/yolks:java_17";
    c["State"] = "running";
    c["Status"] = "Up 3 hours";
    c["Labels"] = {{"Service", "Pterodactyl"}, {"ContainerType", "server_process"}};
    c["HostConfig"] = {{"NetworkMode", "default"}};
    boost::json::array ports;
    const int port = 20000 + i;
    for (const char* ip : {"0.0.0.0", "::"})
      for (const char* proto : {"tcp", "udp"})
        ports.push_back({{"IP", ip}, {"PrivatePort", port}, {"PublicPort", port}, {"Type", proto}});
    c["Ports"] = std::move(ports);
    list.push_back(std::move(c));
  }
  return boost::json::serialize(list);
}

std::string inspect_of(const std::string& id, int i) {
  boost::json::object o;
  o["Id"] = id;
  o["Name"] = "/game-" + std::to_string(i);
  o["State"] = {{"Status", "running"}};
  o["HostConfig"] = {{"NetworkMode", "default"}};
  o["Config"] = {{"Hostname", "uuid-" + std::to_string(i)},
                 {"Env", boost::json::array{"SERVER_PORT=" + std::to_string(20000 + i)}},
                 {"Labels", {{"Service", "Pterodactyl"}, {"ContainerType", "server_process"}}}};
  return boost::json::serialize(o);
}

void list_and_map(int n) {
  const std::string list = container_list(n);
  testing::FakeEngine engine([&](const std::string& t) {
    if (t == "/_ping") return testing::FakeEngine::ping();
    if (t == "/version") return testing::FakeEngine::version();
    if (t.starts_with("/v1.41/events")) return testing::FakeEngine::event_stream({});
    if (t.starts_with("/v1.41/containers/json")) return testing::FakeEngine::json(list);
    const size_t at = t.find("/containers/");
    const std::string id = t.substr(at + 12, t.rfind("/json") - at - 12);
    return testing::FakeEngine::json(inspect_of(id, std::stoi(id.substr(56)) - 10000000));
  });
  for (const char* source : {"name", "hostname"}) {
    std::vector<double> times;
    for (int round = 0; round < 5; ++round) {
      testing::RecordingServices services;
      const auto t0 = Clock::now();
      auto inst = start_plugin(services, R"({"docker_host":")" + engine.uri() +
                                             R"(","server_id_source":")" + source + R"("})");
      if (!services.wait_for([&](const auto& s) { return static_cast<int>(s.size()) == n; }, 30s)) {
        std::printf("not all %d published within 30 s: %zu\n%s\n", n, services.servers().size(),
                    services.all_logs().substr(0, 2000).c_str());
        return;
      }
      times.push_back(ms(Clock::now() - t0));
      inst->stop();
      inst->destroy();
    }
    std::printf("list and map %d containers, server_id_source %s%s: median %.1f ms (5 rounds)\n", n,
                source, std::string(source) == "hostname" ? " (+1 inspect each)" : "",
                percentile(times, 50));
  }
  std::vector<double> pure;
  MapperSettings settings;
  settings.id_source = parse_id_source("name");
  for (int round = 0; round < 20; ++round) {
    const auto t0 = Clock::now();
    size_t mapped = 0;
    for (const auto& f : facts_from_list(boost::json::parse(list)))
      mapped += map_container(f, settings).server.has_value();
    pure.push_back(ms(Clock::now() - t0));
    if (mapped != static_cast<size_t>(n)) std::printf("mapped only %zu\n", mapped);
  }
  std::printf("parse + map a %d-container list (%zu bytes), no I/O: median %.2f ms\n", n,
              list.size(), percentile(pure, 50));
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const int runs = argc > 1 ? std::atoi(argv[1]) : 50;
  list_and_map(argc > 2 ? std::atoi(argv[2]) : 500);
  run_to_published(runs);
}
