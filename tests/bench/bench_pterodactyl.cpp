// SPDX-License-Identifier: BSD-2-Clause
// Section "pterodactyl": time to list and map a 1,000-server panel (10 pages of 100) with the
// plugin's own client, against fake_panel.py on loopback. Read next to the floor: the same ten
// GETs without parsing (what the fake panel and HTTP cost by themselves), and parse+map alone.
#include <chrono>
#include <string>
#include <vector>

#include "bench_registry.h"
#include "fake_panel_process.h"
#include "http_client.h"
#include "page_parser.h"
#include "panel_client.h"
#include "server_mapping.h"

namespace flowlens::bench {
namespace {

namespace ptero = flowlens::discovery_pterodactyl;
using Clock = std::chrono::steady_clock;

constexpr int kServers = 1000;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

void run(const Options& opts, Report& report) {
  // Servers alternate over nodes 1, 1, 2 as on a panel with several hosts; a high reported rate
  // limit keeps the client's pacing (a real panel's 240 a minute) out of the figure.
  ptero::test::FakePanel panel(
      {"--servers", std::to_string(kServers), "--nodes", "1,1,2", "--rate-limit", "1000000"});
  std::atomic<bool> stop{false};
  ptero::HttpOptions http_options;
  http_options.allow_http = true;
  ptero::HttpClient http(http_options, stop);
  ptero::PanelClient client(panel.url(), ptero::test::FakePanel::key(), 100, http,
                            [](std::chrono::milliseconds) { return true; });
  const std::vector<std::string> headers = {
      "Accept: application/json", "Authorization: Bearer " + ptero::test::FakePanel::key()};
  const int rounds = opts.quick ? 3 : 15;

  std::vector<double> full, fetch, parse_map;
  size_t watched = 0;
  int64_t pages = 0;
  for (int round = 0; round <= rounds; ++round) {  // round 0 warms up and is not counted
    // Fetch only: the floor.
    std::vector<std::string> bodies;
    auto t0 = Clock::now();
    for (int page = 1; page <= kServers / ptero::PanelClient::kPerPage; ++page)
      bodies.push_back(http.get(panel.url() +
                                    "/api/application/servers?include=allocations&per_page=100&"
                                    "page=" +
                                    std::to_string(page),
                                headers)
                           .body);
    const double fetch_ms = ms_since(t0);

    // Parse + map alone, from the bodies just fetched.
    t0 = Clock::now();
    std::vector<ptero::PanelServer> servers;
    for (const std::string& b : bodies)
      for (auto& s : ptero::parse_server_page(b).servers) servers.push_back(std::move(s));
    const size_t mapped = ptero::map_servers(servers, 1, {}).servers.size();
    const double parse_map_ms = ms_since(t0);

    // What the plugin does each interval: list every page, then map.
    t0 = Clock::now();
    ptero::ListStats stats;
    const auto listed = client.list_servers(&stats);
    watched = ptero::map_servers(listed, 1, {}).servers.size();
    const double full_ms = ms_since(t0);
    pages = stats.pages;
    if (mapped != watched) throw std::runtime_error("parse+map and list+map disagree");
    if (round == 0) continue;
    fetch.push_back(fetch_ms);
    parse_map.push_back(parse_map_ms);
    full.push_back(full_ms);
  }

  char against[160];
  std::snprintf(against, sizeof against,
                "%zu of %d servers on this node, %lld pages; the 10 GETs alone %.1f ms", watched,
                kServers, static_cast<long long>(pages), median(fetch));
  report.rows.push_back({"pterodactyl list+map 1000 servers", median(full), "ms", against});
  report.rows.push_back({"pterodactyl parse+map 1000 servers", median(parse_map), "ms",
                         "of the above, without HTTP"});
  report.json["pterodactyl"] = {{"servers", kServers},
                                {"pages", pages},
                                {"watched", watched},
                                {"rounds", rounds},
                                {"list_and_map_ms", median(full)},
                                {"fetch_only_ms", median(fetch)},
                                {"parse_and_map_ms", median(parse_map)}};
}

const bool registered = register_section("pterodactyl", run);

}  // namespace
}  // namespace flowlens::bench
