// SPDX-License-Identifier: BSD-2-Clause
#include "privileges/capabilities.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <system_error>

namespace flowlens::privileges {

namespace {

// Indexed by capability number, as capabilities(7) names them.
constexpr const char* kNames[] = {"CAP_CHOWN",
                                  "CAP_DAC_OVERRIDE",
                                  "CAP_DAC_READ_SEARCH",
                                  "CAP_FOWNER",
                                  "CAP_FSETID",
                                  "CAP_KILL",
                                  "CAP_SETGID",
                                  "CAP_SETUID",
                                  "CAP_SETPCAP",
                                  "CAP_LINUX_IMMUTABLE",
                                  "CAP_NET_BIND_SERVICE",
                                  "CAP_NET_BROADCAST",
                                  "CAP_NET_ADMIN",
                                  "CAP_NET_RAW",
                                  "CAP_IPC_LOCK",
                                  "CAP_IPC_OWNER",
                                  "CAP_SYS_MODULE",
                                  "CAP_SYS_RAWIO",
                                  "CAP_SYS_CHROOT",
                                  "CAP_SYS_PTRACE",
                                  "CAP_SYS_PACCT",
                                  "CAP_SYS_ADMIN",
                                  "CAP_SYS_BOOT",
                                  "CAP_SYS_NICE",
                                  "CAP_SYS_RESOURCE",
                                  "CAP_SYS_TIME",
                                  "CAP_SYS_TTY_CONFIG",
                                  "CAP_MKNOD",
                                  "CAP_LEASE",
                                  "CAP_AUDIT_WRITE",
                                  "CAP_AUDIT_CONTROL",
                                  "CAP_SETFCAP",
                                  "CAP_MAC_OVERRIDE",
                                  "CAP_MAC_ADMIN",
                                  "CAP_SYSLOG",
                                  "CAP_WAKE_ALARM",
                                  "CAP_BLOCK_SUSPEND",
                                  "CAP_AUDIT_READ",
                                  "CAP_PERFMON",
                                  "CAP_BPF",
                                  "CAP_CHECKPOINT_RESTORE"};
static_assert(sizeof(kNames) / sizeof(kNames[0]) == 41);

constexpr int kFallbackLastCap = 40;

CapMask join(uint32_t low, uint32_t high) {
  return (CapMask{high} << 32) | low;
}

}  // namespace

CapSets current_caps() {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &hdr, data) != 0)
    throw std::system_error(errno, std::generic_category(), "capget");
  return CapSets{join(data[0].effective, data[1].effective),
                 join(data[0].permitted, data[1].permitted),
                 join(data[0].inheritable, data[1].inheritable)};
}

void set_caps(const CapSets& sets) {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  for (int word = 0; word < 2; ++word) {
    const int shift = 32 * word;
    data[word].effective = static_cast<uint32_t>(sets.effective >> shift);
    data[word].permitted = static_cast<uint32_t>(sets.permitted >> shift);
    data[word].inheritable = static_cast<uint32_t>(sets.inheritable >> shift);
  }
  if (syscall(SYS_capset, &hdr, data) != 0)
    throw std::system_error(errno, std::generic_category(), "capset");
}

std::string cap_names(CapMask mask) {
  std::string out;
  for (int cap = 0; cap < kMaxCapabilities; ++cap) {
    if ((mask & cap_bit(cap)) == 0) continue;
    if (!out.empty()) out += ", ";
    out += cap < static_cast<int>(sizeof(kNames) / sizeof(kNames[0]))
               ? kNames[cap]
               : "cap_" + std::to_string(cap);
  }
  return out.empty() ? "none" : out;
}

int last_cap() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int last = kFallbackLastCap;
  if (!(in >> last) || last < 0 || last >= kMaxCapabilities) return kFallbackLastCap;
  return last;
}

}  // namespace flowlens::privileges
