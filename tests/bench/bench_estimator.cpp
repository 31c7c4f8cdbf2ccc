// SPDX-License-Identifier: BSD-2-Clause
// Section "estimator": the estimator tick (flow table read + estimate) at 10k, 100k and 1M flows
// next to a bare bpf_map_lookup_batch pass over the same kernel map, and replay throughput on a
// capture generated here. Without root (no BPF) the tick is measured over an in-memory table.
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "bench_registry.h"
#include "bpf/flow_map_reader.h"
#include "estimator/estimator.h"
#include "replay/replay_runner.h"

namespace flowlens::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kNow = 100000ULL * FLOWLENS_NS_PER_SEC;  // the ticks' clock
constexpr uint16_t kFirstPort = 20000;
constexpr int kServers = 100;
// One flow in five is a player in sustained exchange; the rest is the noise a busy host's map
// holds (queries, scans, finished sessions). Players are what costs: they carry session state.
constexpr int kPlayerEvery = 5;
constexpr int kTickRounds = 5;
constexpr uint32_t kReplayPackets = 2000000;
constexpr uint32_t kQuickReplayPackets = 200000;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

model::FlowRecord synthetic_flow(uint32_t id) {
  model::FlowRecord r;
  auto& k = r.key;
  k.client_addr[10] = k.client_addr[11] = 0xff;
  k.client_addr[12] = 10;
  k.client_addr[13] = static_cast<uint8_t>(id >> 16);
  k.client_addr[14] = static_cast<uint8_t>(id >> 8);
  k.client_addr[15] = static_cast<uint8_t>(id);
  k.client_port = htons(static_cast<uint16_t>(1024 + (id >> 24)));
  k.server_port = htons(static_cast<uint16_t>(kFirstPort + id % kServers));
  k.proto = IPPROTO_UDP;
  bool player = id % kPlayerEvery == 0;
  r.value.first_ns = kNow - 600 * FLOWLENS_NS_PER_SEC;
  for (int d = 0; d < 2; ++d) {
    auto& c = r.value.dir[d];
    c.packets = player ? 30000 : 3 - d;
    c.bytes = c.packets * 120;
    c.last_ns = kNow - (player ? 50000000ULL : 5 * FLOWLENS_NS_PER_SEC);
    c.active_sec = c.last_ns / FLOWLENS_NS_PER_SEC;
    c.active_bits = player ? ~0ULL : 1;
  }
  return r;
}

std::vector<model::Server> servers() {
  std::vector<model::Server> s(kServers);
  for (int i = 0; i < kServers; ++i) {
    s[i].id = "srv" + std::to_string(i);
    s[i].endpoints = {{static_cast<uint16_t>(kFirstPort + i), IPPROTO_UDP}};
  }
  return s;
}

// A flow map like the kernel's, filled with `n` synthetic flows; -1 when BPF is unavailable.
int kernel_map(uint32_t n) {
  if (geteuid() != 0) return -1;
  int fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "flowlens_tick", sizeof(flowlens_flow_key),
                          sizeof(flowlens_flow_value), n + n / 4, nullptr);
  if (fd < 0) return -1;
  constexpr uint32_t kChunk = 8192;
  std::vector<flowlens_flow_key> keys;
  std::vector<flowlens_flow_value> values;
  for (uint32_t id = 0; id < n; id += kChunk) {
    keys.clear();
    values.clear();
    for (uint32_t i = id; i < std::min(n, id + kChunk); ++i) {
      auto r = synthetic_flow(i);
      keys.push_back(r.key);
      values.push_back(r.value);
    }
    auto count = static_cast<uint32_t>(keys.size());
    LIBBPF_OPTS(bpf_map_batch_opts, o);
    if (bpf_map_update_batch(fd, keys.data(), values.data(), &count, &o) != 0) {
      close(fd);
      throw std::runtime_error("bpf_map_update_batch: errno " + std::to_string(errno));
    }
  }
  return fd;
}

// The fallback table: records kept in memory, "read" by copying them.
class MemoryTable : public model::FlowTable {
 public:
  explicit MemoryTable(uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) flows_.push_back(synthetic_flow(i));
  }
  void read_all(std::vector<model::FlowRecord>& out) override { out = flows_; }
  void erase(std::span<const flowlens_flow_key>) override {}

 private:
  std::vector<model::FlowRecord> flows_;
};

struct TickFigures {
  double tick_ms = 0;      // flow table read + estimate
  double estimate_ms = 0;  // the estimate alone
  double bare_ms = 0;      // a bare read of the same table, interleaved with the ticks
  uint32_t players = 0;
};

// Rounds alternate a bare read and a tick so that load from neighbours hits both alike.
template <typename BareRead>
TickFigures measure_tick(model::FlowTable& table, uint32_t n, BareRead bare_read) {
  estimator::Estimator est;
  est.set_servers(servers());
  std::vector<model::FlowRecord> records;
  std::vector<double> ticks, estimates, bares;
  TickFigures f;
  table.read_all(records);
  est.tick(records, kNow, 0);  // the first tick creates the sessions; measure the steady state
  for (int r = 0; r < kTickRounds; ++r) {
    bares.push_back(bare_read());
    auto t0 = Clock::now();
    table.read_all(records);
    auto t1 = Clock::now();
    auto snap = est.tick(records, kNow, 0);
    table.erase(est.expired());
    ticks.push_back(ms_since(t0));
    estimates.push_back(ms_since(t1));
    f.players = 0;
    for (const auto& s : snap.servers) f.players += s.active_players;
  }
  if (records.size() != n)
    throw std::runtime_error("read " + std::to_string(records.size()) + " of " + std::to_string(n) +
                             " flows");
  f.tick_ms = median(ticks);
  f.estimate_ms = median(estimates);
  f.bare_ms = median(bares);
  return f;
}

void bench_ticks(const Options& opts, Report& report) {
  std::vector<uint32_t> sizes = {10000, 100000};
  if (!opts.quick) sizes.push_back(1000000);
  boost::json::object tick_json, read_json;
  for (uint32_t n : sizes) {
    TickFigures f;
    std::string source;
    int fd = kernel_map(n);
    if (fd >= 0) {
      bpf::FlowMapReader reader(fd);
      f = measure_tick(reader, n, [fd] { return bpf::time_batch_read_ms(fd).value(); });
      close(fd);
      source = "kernel map";
    } else {
      MemoryTable table(n);
      std::vector<model::FlowRecord> copy;
      f = measure_tick(table, n, [&] {
        auto t0 = Clock::now();
        table.read_all(copy);
        return ms_since(t0);
      });
      source = "in-memory table, no BPF";
    }
    tick_json[std::to_string(n)] = f.tick_ms;
    read_json[std::to_string(n)] = f.bare_ms;
    char against[160];
    std::snprintf(against, sizeof against,
                  "%.2fx bare batch read (%.1f ms); estimate alone %.1f ms; %s, %u players",
                  f.tick_ms / f.bare_ms, f.bare_ms, f.estimate_ms, source.c_str(), f.players);
    report.rows.push_back(
        {"estimator tick " + std::to_string(n) + " flows", f.tick_ms, "ms", against});
  }
  report.json["tick_ms"] = tick_json;
  // The same maps' bare read, so the ratio can be checked from the JSON alone; it also stands as
  // "batch_read_ms" when the batch_read section did not run (--only estimator).
  report.json["tick_batch_read_ms"] = read_json;
  if (!report.json.contains("batch_read_ms")) report.json["batch_read_ms"] = read_json;
}

// Ethernet + IPv4 + UDP with a 40-byte payload; ingress or egress of one of the servers.
std::string frame(uint32_t flow, bool ingress) {
  uint8_t f[14 + 20 + 8 + 40] = {2, 0, 0, 0, 0, 10, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
  uint8_t* ip = f + 14;
  ip[0] = 0x45;
  ip[3] = sizeof f - 14;
  ip[8] = 64;
  ip[9] = IPPROTO_UDP;
  uint8_t client[4] = {10, static_cast<uint8_t>(flow >> 16), static_cast<uint8_t>(flow >> 8),
                       static_cast<uint8_t>(flow)};
  uint8_t host[4] = {203, 0, 113, 10};
  std::memcpy(ip + 12, ingress ? client : host, 4);
  std::memcpy(ip + 16, ingress ? host : client, 4);
  uint16_t cport = htons(40000), sport = htons(static_cast<uint16_t>(kFirstPort + flow % kServers));
  std::memcpy(ip + 20, ingress ? &cport : &sport, 2);
  std::memcpy(ip + 22, ingress ? &sport : &cport, 2);
  return std::string(reinterpret_cast<char*>(f), sizeof f);
}

void bench_replay(const Options& opts, Report& report) {
  const uint32_t packets = opts.quick ? kQuickReplayPackets : kReplayPackets;
  constexpr uint32_t kFlows = 2000;
  constexpr double kSeconds = 120;  // capture time covered: one tick per second
  auto path = std::filesystem::temp_directory_path() /
              ("flowlens_bench_replay_" + std::to_string(getpid()) + ".pcap");
  {
    std::ofstream out(path, std::ios::binary);
    const uint32_t header[6] = {0xA1B2C3D4, 0x00040002, 0, 0, 262144, 1};
    out.write(reinterpret_cast<const char*>(header), sizeof header);
    for (uint32_t i = 0; i < packets; ++i) {
      double ts = 1700000000.0 + kSeconds * i / packets;
      std::string f = frame(i % kFlows, (i / kFlows) % 2 == 0);
      auto sec = static_cast<uint32_t>(ts);
      uint32_t rec[4] = {sec, static_cast<uint32_t>((ts - sec) * 1e6),
                         static_cast<uint32_t>(f.size()), static_cast<uint32_t>(f.size())};
      out.write(reinterpret_cast<const char*>(rec), sizeof rec);
      out << f;
    }
  }
  replay::ReplayOptions ro;
  ro.pcap_path = path.string();
  ro.servers = servers();
  struct NullBuf : std::streambuf {
    int overflow(int c) override { return c; }
    std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
  } null_buf;
  std::ostream null_out(&null_buf);
  auto t0 = Clock::now();
  auto res = replay::run_replay(ro, null_out, null_out);
  double secs = ms_since(t0) / 1000;
  std::filesystem::remove(path);
  double pps = static_cast<double>(res.frames) / secs;
  report.json["replay_pps"] = pps;
  report.rows.push_back(
      {"replay", pps, "packets/s",
       std::to_string(res.frames) + " packets, " + std::to_string(res.ticks) + " ticks, one core"});
}

void bench_estimator(const Options& opts, Report& report) {
  // Per-tick info lines of 100 servers would drown the table.
  auto level = spdlog::get_level();
  spdlog::set_level(spdlog::level::warn);
  bench_ticks(opts, report);
  bench_replay(opts, report);
  spdlog::set_level(level);
}

const bool kRegistered = register_section("estimator", bench_estimator);

}  // namespace
}  // namespace flowlens::bench
