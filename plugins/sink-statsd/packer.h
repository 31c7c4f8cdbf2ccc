/* SPDX-License-Identifier: BSD-2-Clause */
// Lines into datagrams: as many whole lines per datagram as fit in max_bytes, joined by '\n'.
// A line is never split (StatsD would read two broken metrics); one longer than max_bytes goes
// alone in its own datagram, as the only way to send it whole.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace flowlens::statsd {

// 1500-byte Ethernet MTU minus IPv6 (40) and UDP (8) headers, less 20 for tunnel headroom: the
// common StatsD client default, never fragmented on a plain path.
inline constexpr std::size_t kDefaultMaxPacketBytes = 1432;
// The largest UDP payload over IPv4 (65535 - 20 - 8).
inline constexpr std::size_t kMaxUdpPayload = 65507;
// Below this a datagram holds barely one line: a typo rather than a choice.
inline constexpr std::size_t kMinPacketBytes = 128;

std::vector<std::string> pack_lines(const std::vector<std::string>& lines, std::size_t max_bytes);

// The TCP form: every line followed by '\n' (StatsD's TCP server reads up to the last newline).
std::string join_stream(const std::vector<std::string>& lines);

}  // namespace flowlens::statsd
