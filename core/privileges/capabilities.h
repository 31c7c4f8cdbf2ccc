/* SPDX-License-Identifier: BSD-2-Clause */
// The process's capability sets as bit masks, read and written with capget/capset directly (no
// libcap: the four calls below are all the daemon needs). Capabilities belong to a thread, not a
// process: set() changes the calling thread only, and threads started later inherit it.
#pragma once

#include <cstdint>
#include <string>

namespace flowlens::privileges {

// Capability numbers are kernel ABI; CAP_PERFMON and CAP_BPF are missing from older headers.
inline constexpr int kCapChown = 0;
inline constexpr int kCapSetgid = 6;
inline constexpr int kCapSetuid = 7;
inline constexpr int kCapSetpcap = 8;
inline constexpr int kCapNetBindService = 10;
inline constexpr int kCapNetAdmin = 12;
inline constexpr int kCapSysAdmin = 21;
inline constexpr int kCapPerfmon = 38;
inline constexpr int kCapBpf = 39;
// Every number capget can report fits one 64-bit mask (the kernel uses two 32-bit words).
inline constexpr int kMaxCapabilities = 64;

using CapMask = uint64_t;

constexpr CapMask cap_bit(int cap) {
  return CapMask{1} << cap;
}

struct CapSets {
  CapMask effective = 0;
  CapMask permitted = 0;
  CapMask inheritable = 0;
};

// The calling thread's sets. Throws std::system_error naming the call.
CapSets current_caps();
// Replaces the calling thread's sets (the kernel refuses to raise permitted or inheritable).
void set_caps(const CapSets& sets);

// "CAP_NET_ADMIN, CAP_BPF" in number order, or "none".
std::string cap_names(CapMask mask);
// The highest capability this kernel knows (/proc/sys/kernel/cap_last_cap; 40 when unreadable).
int last_cap();

}  // namespace flowlens::privileges
