// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/load_errors.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace flowlens::bpf {
namespace {

// Not in older UAPI headers; the numbers are ABI.
constexpr int kCapNetAdmin = 12;
constexpr int kCapSysAdmin = 21;
constexpr int kCapBpf = 39;
// libbpf and the kernel report "not supported" with this non-POSIX errno.
constexpr int kEnotsupp = 524;

bool has_cap(const __user_cap_data_struct (&data)[2], int cap) {
  return (data[cap / 32].effective & (1U << (cap % 32))) != 0;
}

bool kernel_at_least(int major, int minor) {
  int ma = 0, mi = 0;
  if (std::sscanf(kernel_release().c_str(), "%d.%d", &ma, &mi) != 2) return true;  // unknown: try
  return ma > major || (ma == major && mi >= minor);
}

}  // namespace

std::string kernel_release() {
  utsname u{};
  if (uname(&u) != 0) return "unknown";
  return u.release;
}

Status check_privileges() {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &hdr, data) != 0)
    return make_error("privileges", -errno, "cannot read process capabilities");
  bool bpf = has_cap(data, kCapBpf) || has_cap(data, kCapSysAdmin);
  bool net = has_cap(data, kCapNetAdmin);
  if (bpf && net) return ok_status();
  std::string missing = !bpf && !net ? "CAP_BPF and CAP_NET_ADMIN"
                        : !bpf       ? "CAP_BPF"
                                     : "CAP_NET_ADMIN";
  return Error{"privileges", EPERM,
               "missing " + missing + ": run flowlensd as root or grant it " + missing};
}

Status check_kernel_version() {
  if (kernel_at_least(kMinKernelMajor, kMinKernelMinor)) return ok_status();
  return Error{"kernel", ENOSYS,
               "kernel " + kernel_release() + " is too old: FlowLens needs Linux " +
                   std::to_string(kMinKernelMajor) + "." + std::to_string(kMinKernelMinor) +
                   " or newer"};
}

Error explain_load_error(int ret) {
  int e = ret < 0 ? -ret : ret;
  std::string kernel = kernel_release();
  if (e == EPERM || e == EACCES)
    return Error{"load", e,
                 "the kernel refused BPF: run as root or grant CAP_BPF and CAP_NET_ADMIN "
                 "(and check kernel.unprivileged_bpf_disabled / lockdown)"};
  if (!kernel_at_least(kMinKernelMajor, kMinKernelMinor))
    return Error{"load", e, "kernel " + kernel + " is too old for FlowLens"};
  if (e == ENOSYS || e == kEnotsupp || e == EOPNOTSUPP)
    return Error{"load", e, "kernel " + kernel + " lacks a BPF feature FlowLens uses"};
  // BTF is optional for this program; say so, or operators chase a missing vmlinux BTF.
  std::string btf = std::filesystem::exists("/sys/kernel/btf/vmlinux")
                        ? ""
                        : " (this kernel has no BTF; FlowLens does not need it)";
  return Error{"load", e,
               "the kernel rejected the BPF program on " + kernel + btf +
                   "; the libbpf log above (debug level) has the verifier's reason"};
}

}  // namespace flowlens::bpf
