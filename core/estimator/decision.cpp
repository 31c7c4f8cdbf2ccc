// SPDX-License-Identifier: BSD-2-Clause
#include "estimator/decision.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cstring>

namespace flowlens::estimator {

namespace {

bool is_v4_mapped(const uint8_t (&a)[16]) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a, kPrefix, sizeof kPrefix) == 0;
}

std::string_view reason_sentence(Reason r) {
  switch (r) {
    case Reason::kSustainedExchange:
      return "sustained two-way exchange";
    case Reason::kPacedExchange:
      return "slow-paced exchange, the server sending on its own (slow-ticking game)";
    case Reason::kHolding:
      return "quiet, within the silence limits";
    case Reason::kTookOver:
      return "took over the session of an endpoint that went quiet (roaming)";
    case Reason::kResumed:
      return "talks again after a silence (lag stall)";
    case Reason::kServerPaused:
      return "the server is quiet to every player at once (map change, hitch)";
    case Reason::kOneWay:
      return "one-way traffic only";
    case Reason::kQueryDominated:
      return "mostly server-list queries";
    case Reason::kTcpClosed:
      return "TCP connection closed (FIN/RST)";
    case Reason::kRefused:
      return "the server's port refuses it (server stopped)";
    case Reason::kTooFewPackets:
      return "too few packets in one direction";
    case Reason::kTooShort:
      return "too young to be a session";
    case Reason::kFewReplies:
      return "the server answers too few of its packets";
    case Reason::kSparse:
      return "active in too few recent seconds";
    case Reason::kClientSilent:
      return "client silent while the server still sends";
    case Reason::kBothSilent:
      return "both sides silent";
    case Reason::kMoved:
      return "session moved to another endpoint";
  }
  return "?";
}

}  // namespace

std::string_view reason_name(Reason r) {
  switch (r) {
    case Reason::kSustainedExchange:
      return "sustained_exchange";
    case Reason::kPacedExchange:
      return "paced_exchange";
    case Reason::kHolding:
      return "holding";
    case Reason::kTookOver:
      return "took_over";
    case Reason::kResumed:
      return "resumed";
    case Reason::kServerPaused:
      return "server_paused";
    case Reason::kOneWay:
      return "one_way";
    case Reason::kQueryDominated:
      return "query_dominated";
    case Reason::kTcpClosed:
      return "tcp_closed";
    case Reason::kRefused:
      return "refused";
    case Reason::kTooFewPackets:
      return "too_few_packets";
    case Reason::kTooShort:
      return "too_short";
    case Reason::kFewReplies:
      return "few_replies";
    case Reason::kSparse:
      return "sparse";
    case Reason::kClientSilent:
      return "client_silent";
    case Reason::kBothSilent:
      return "both_silent";
    case Reason::kMoved:
      return "moved";
  }
  return "unknown";
}

std::string address_text(const uint8_t (&addr)[16]) {
  if (is_v4_mapped(addr)) {
    // Hand-rolled with a table of the 256 octets: every tick formats each counted player's
    // address, and inet_ntop goes through printf machinery.
    static const auto kOctets = [] {
      std::array<std::array<char, 4>, 256> t{};  // digits, then the length in the last byte
      for (int v = 0; v < 256; ++v) {
        auto r = std::to_chars(t[v].data(), t[v].data() + 3, v);
        t[v][3] = static_cast<char>(r.ptr - t[v].data());
      }
      return t;
    }();
    char buf[16];
    char* p = buf;
    for (int i = 12; i < 16; ++i) {
      const auto& o = kOctets[addr[i]];
      std::memcpy(p, o.data(), 3);
      p += o[3];
      if (i < 15) *p++ = '.';
    }
    return std::string(buf, p);
  }
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, addr, buf, sizeof buf);
  return buf;
}

std::string endpoint_text(const flowlens_flow_key& key) {
  uint16_t port = ntohs(key.client_port);
  if (is_v4_mapped(key.client_addr))
    return fmt::format("{}:{}", address_text(key.client_addr), port);
  return fmt::format("[{}]:{}", address_text(key.client_addr), port);
}

std::string describe(const FlowDecision& d) {
  std::string s = fmt::format(
      "{} {}/{} {}: {} [{}] (age {:.1f}s, client quiet {:.1f}s, server "
      "quiet {:.1f}s, both active {:.0f}%, pkts in/out {}/{})",
      endpoint_text(d.key), ntohs(d.key.server_port), d.key.proto == 6 ? "tcp" : "udp",
      d.counted() ? "counted" : "not counted", reason_sentence(d.reason), reason_name(d.reason),
      d.age_seconds, d.client_silence_seconds, d.server_silence_seconds, d.active_share * 100,
      d.packets_in, d.packets_out);
  if (d.reason == Reason::kMoved || d.reason == Reason::kTookOver)
    s += fmt::format(" {} {}", d.reason == Reason::kMoved ? "to" : "from", endpoint_text(d.other));
  return s;
}

}  // namespace flowlens::estimator
