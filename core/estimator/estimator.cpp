// SPDX-License-Identifier: BSD-2-Clause
#include "estimator/estimator.h"

#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "estimator/flow_rules.h"
#include "estimator/player_count.h"
#include "estimator/server_tick.h"

namespace flowlens::estimator {

namespace {

constexpr double kNsPerSec = 1e9;
// Time constant of the client packet-rate average that stretches silence limits.
constexpr double kRateTimeConstantSeconds = 10.0;
// A resumed endpoint must have sent at least this many new packets: one stray datagram is not a
// player coming back.
constexpr uint64_t kResumeMinNewPackets = 2;
constexpr size_t kProtoSlots = 2;  // UDP, TCP
constexpr size_t kPorts = 65536;
// A counted client slower than one packet per this many seconds makes its server a paced one.
constexpr double kPacedGapSeconds = 1.5;

int proto_slot(uint8_t proto) {
  return proto == IPPROTO_UDP ? 0 : proto == IPPROTO_TCP ? 1 : -1;
}

uint64_t ns(double seconds) {
  return static_cast<uint64_t>(seconds * kNsPerSec);
}

double idle_seconds(const FlowView& f) {
  return std::min(f.client_silence, f.server_silence);
}

}  // namespace

Estimator::Estimator(EstimatorConfig cfg) : cfg_(cfg), port_index_(kProtoSlots * kPorts, -1) {}

Estimator::~Estimator() = default;

void Estimator::set_servers(std::vector<model::Server> servers) {
  std::vector<ServerMemory> kept(servers.size());
  for (size_t i = 0; i < servers.size(); ++i)
    for (size_t j = 0; j < servers_.size(); ++j)
      if (servers_[j].id == servers[i].id) kept[i] = memory_[j];
  std::fill(port_index_.begin(), port_index_.end(), -1);
  for (size_t i = 0; i < servers.size(); ++i)
    for (const auto& ep : servers[i].endpoints)
      if (int slot = proto_slot(ep.proto); slot >= 0)
        port_index_[slot * kPorts + ep.port] = static_cast<int32_t>(i);
  servers_ = std::move(servers);
  memory_ = std::move(kept);
  per_server_.resize(servers_.size());
}

int32_t Estimator::server_of(const flowlens_flow_key& key) const {
  int slot = proto_slot(key.proto);
  return slot < 0 ? -1 : port_index_[slot * kPorts + ntohs(key.server_port)];
}

model::Snapshot Estimator::tick(std::span<const model::FlowRecord> flows, uint64_t now_ns,
                                int64_t wall_unix_ms) {
  ++tick_no_;
  expired_.clear();
  decisions_.clear();
  for (auto& st : per_server_) st.clear();
  for (auto& m : memory_)
    if (m.added_ns == 0) m.added_ns = now_ns;
  const bool debug = spdlog::should_log(spdlog::level::debug);
  const bool record = record_decisions_ || debug;

  for (const auto& r : flows) {
    int32_t srv = server_of(r.key);
    if (srv < 0) {
      // No server owns the port any more: nothing to judge, and the kernel stops updating it.
      expired_.push_back(r.key);
      continue;
    }
    judge(r, static_cast<uint32_t>(srv), now_ns, record);
  }
  resolve_pauses(now_ns);
  hand_over(now_ns);
  boost::unordered::erase_if(sessions_, [&](const auto& kv) {
    return kv.second.seen_tick != tick_no_;  // its flow is gone (erased, evicted) or expired
  });

  model::Snapshot snap;
  snap.timestamp_unix_ms = wall_unix_ms;
  snap.monotonic_ns = now_ns;
  snap.servers.resize(servers_.size());
  for (uint32_t i = 0; i < servers_.size(); ++i) {
    finish_server(i, now_ns, snap.servers[i]);
    const auto& e = snap.servers[i];
    // The daemon logs one summary line per tick at info; per server is detail.
    if (debug)
      spdlog::debug("server {}: {} players{}", e.server_id, e.active_players,
                    e.known ? "" : " (unknown: " + e.unknown_reason + ")");
  }
  if (debug)
    for (const auto& d : decisions_)
      spdlog::debug("server {}: {}", servers_[d.server].id, describe(d));
  return snap;
}

void Estimator::judge(const model::FlowRecord& r, uint32_t srv, uint64_t now_ns, bool record) {
  ServerTick& st = per_server_[srv];
  const auto& in = r.value.dir[FLOWLENS_DIR_IN];
  const auto& out = r.value.dir[FLOWLENS_DIR_OUT];
  st.bytes += in.bytes + out.bytes;
  if (r.value.refused_ns > out.last_ns)
    st.refused_ns = std::max<uint64_t>(st.refused_ns, r.value.refused_ns);

  // Sessions exist only for flows that once counted, which all passed these packet minimums; the
  // lookup is skipped for the one-packet flows a flood leaves behind.
  const uint64_t min_pk = std::min<uint64_t>(cfg_.min_packets_each_way, cfg_.handover_min_packets);
  if (in.packets >= min_pk && out.packets >= min_pk) {
    if (auto it = sessions_.find(r.key); it != sessions_.end()) {
      judge_session(r, it->second, srv, now_ns, record);
      return;
    }
  } else if (!record) {
    // Cannot count nor take a session over: only its expiry matters. This is most of the map
    // under a flood or a scan, so it stays cheap.
    uint64_t last = std::max<uint64_t>(in.last_ns, out.last_ns);
    double limit = r.value.end_ns ? cfg_.expire_closed_seconds : cfg_.expire_noise_seconds;
    if (now_ns > last && now_ns - last >= ns(limit)) expired_.push_back(r.key);
    return;
  }
  FlowView f = view_flow(r.value, now_ns, cfg_);
  Reason why = qualify(f, cfg_, paced_bar(memory_[srv].paced_players > 0, cfg_));
  int64_t idx = -1;
  if (record) {
    idx = static_cast<int64_t>(decisions_.size());
    decisions_.push_back({r.key,
                          srv,
                          why,
                          f.client_silence,
                          f.server_silence,
                          f.age,
                          f.active_share,
                          f.packets_in,
                          f.packets_out,
                          {}});
  }
  if (is_counted(why)) {
    Session s;
    s.reason = why;
    s.since_ns = r.value.first_ns;
    s.active_since_ns = r.value.first_ns;
    s.prev_in = in.packets;
    s.prev_in_last_ns = in.last_ns;
    s.in_rate = static_cast<double>(in.packets) / std::max(f.age, 1.0);
    s.seen_tick = tick_no_;
    sessions_.emplace(r.key, s);
    st.counted.push_back(&r);
    if (s.in_rate * kPacedGapSeconds < 1) ++st.paced;
    st.takers.push_back({&r, idx, false});
    return;
  }
  if (can_take_over(f, cfg_)) st.takers.push_back({&r, idx, false});
  double limit = f.closed ? cfg_.expire_closed_seconds : cfg_.expire_noise_seconds;
  if (idle_seconds(f) >= limit) expired_.push_back(r.key);
}

void Estimator::judge_session(const model::FlowRecord& r, Session& s, uint32_t srv, uint64_t now_ns,
                              bool record) {
  ServerTick& st = per_server_[srv];
  const auto& in = r.value.dir[FLOWLENS_DIR_IN];
  const auto& out = r.value.dir[FLOWLENS_DIR_OUT];
  s.seen_tick = tick_no_;
  FlowView f = view_flow(r.value, now_ns, cfg_, s.counted ? s.active_since_ns : 0);

  // The rate only moves when the client sent: a silence must not stretch its own limit.
  if (in.packets > s.prev_in && in.last_ns > s.prev_in_last_ns) {
    double dt = static_cast<double>(in.last_ns - s.prev_in_last_ns) / kNsPerSec;
    double inst = static_cast<double>(in.packets - s.prev_in) / dt;
    // First-order smoothing, dt/(tau+dt): close to 1-exp(-dt/tau) and cheaper per player.
    s.in_rate += dt / (kRateTimeConstantSeconds + dt) * (inst - s.in_rate);
    // A silence the client came back from while the server sent on: a stall of its link.
    if (s.counted && dt > cfg_.both_silence_seconds && out.last_ns > s.prev_in_last_ns)
      s.longest_stall = std::max(s.longest_stall, dt);
    s.prev_in = in.packets;
    s.prev_in_last_ns = in.last_ns;
  }

  // A paced session's lead shows only now and then (a TCP client acknowledges every update).
  if (f.server_led) s.led_ns = now_ns;
  f.server_led = s.led_ns != 0 && now_ns - s.led_ns <= ns(cfg_.sustain_window_seconds);

  int64_t idx = record ? static_cast<int64_t>(decisions_.size()) : -1;
  Reason shown;
  if (s.counted) {
    SilenceLimits lim =
        silence_limits(s.in_rate, std::max(s.longest_stall, memory_[srv].stall_seconds), cfg_);
    Reason why = continue_session(f, lim, cfg_);
    if (is_counted(why)) {
      st.counted.push_back(&r);
      if (s.in_rate * kPacedGapSeconds < 1) ++st.paced;
      st.stall = std::max(st.stall, s.longest_stall);
      if (quiet_for_handover(f, s.in_rate, cfg_)) st.sources.push_back({&r, idx});
      // Took over / resumed stay the explanation; otherwise what holds it now.
      shown = s.reason == Reason::kTookOver || s.reason == Reason::kResumed ? s.reason : why;
      if (why == Reason::kHolding) shown = why;
    } else if ((why == Reason::kBothSilent || why == Reason::kClientSilent) &&
               f.server_silence >= lim.both && f.server_silence < cfg_.server_pause_hold_seconds) {
      // Both sides quiet: a leave, unless the server went quiet to everyone (resolve_pauses).
      st.counted.push_back(&r);
      st.pending.push_back({&r, idx, why, sustained(f, cfg_)});
      shown = Reason::kServerPaused;
    } else {
      end_session(s, r, why, why != Reason::kSparse && sustained(f, cfg_), now_ns);
      shown = why;
      if (why != Reason::kTcpClosed) st.sources.push_back({&r, idx});
    }
  } else {
    // A player back from a long stall (or a server pause such as a map change) was busy until it
    // went quiet; a poller that once counted was not, and must not flap back in with every poll.
    bool may_resume = s.reason != Reason::kTcpClosed && !f.closed &&
                      now_ns - s.ended_ns <= ns(cfg_.resume_window_seconds) && s.busy_at_end;
    bool resumed = may_resume && in.packets >= s.in_at_end + kResumeMinNewPackets &&
                   out.packets > s.out_at_end && f.client_silence < 1.0;
    // Not resumed at once, it can still qualify again like any flow (a player whose session had
    // barely begun when it stalled).
    Reason again = s.reason;
    if (!resumed && s.reason != Reason::kTcpClosed)
      again = qualify(f, cfg_, paced_bar(memory_[srv].paced_players > 0, cfg_));
    if (resumed || is_counted(again)) {
      s.counted = true;
      s.consumed = false;
      s.ended_ns = 0;
      s.active_since_ns = now_ns;
      s.reason = shown = resumed ? Reason::kResumed : again;
      st.counted.push_back(&r);
    } else {
      shown = s.reason;
      if (!s.consumed && s.reason != Reason::kTcpClosed && s.reason != Reason::kMoved &&
          now_ns - s.ended_ns <= ns(cfg_.handover_window_seconds))
        st.sources.push_back({&r, idx});
      bool closed = f.closed || s.reason == Reason::kTcpClosed;
      double limit = closed ? cfg_.expire_closed_seconds : cfg_.expire_ended_seconds;
      if (idle_seconds(f) >= limit) {
        expired_.push_back(r.key);
        s.seen_tick = 0;  // dropped by the sweep in tick()
      }
    }
  }
  if (record)
    decisions_.push_back({r.key, srv, shown, f.client_silence, f.server_silence, f.age,
                          f.active_share, f.packets_in, f.packets_out, s.other});
}

void Estimator::end_session(Session& s, const model::FlowRecord& r, Reason why, bool busy,
                            uint64_t now_ns) {
  s.counted = false;
  s.reason = why;
  s.ended_ns = now_ns;
  s.busy_at_end = busy;
  s.in_at_end = r.value.dir[FLOWLENS_DIR_IN].packets;
  s.out_at_end = r.value.dir[FLOWLENS_DIR_OUT].packets;
}

void Estimator::finish_server(uint32_t srv, uint64_t now_ns, model::ServerEstimate& out) {
  ServerTick& st = per_server_[srv];
  out.server_id = servers_[srv].id;
  out.name = servers_[srv].name.empty() ? servers_[srv].id : servers_[srv].name;
  out.labels = servers_[srv].labels;
  PlayerCount pc = count_players(st.counted);
  out.active_players = pc.players;
  out.unique_ips = std::move(pc.addresses);
  out.sample_window_seconds = cfg_.qualify_window_seconds;
  out.total_bytes = st.bytes;
  memory_[srv].paced_players = st.paced;
  memory_[srv].stall_seconds = st.stall;
  // Old flows do not make a server known: after a restart over pinned maps the flows are old but
  // the sessions are new, and every player would read 0 until they had qualified again.
  out.known = now_ns - memory_[srv].added_ns >= ns(cfg_.warmup_seconds);
  if (!out.known)
    out.unknown_reason = fmt::format(
        "warming up: watched for {:.1f} of {:.1f} s",
        static_cast<double>(now_ns - memory_[srv].added_ns) / kNsPerSec, cfg_.warmup_seconds);
}

}  // namespace flowlens::estimator
