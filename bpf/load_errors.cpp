// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/load_errors.h"

#include <sys/utsname.h>

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "privileges/capabilities.h"

namespace flowlens::bpf {
namespace {

// libbpf and the kernel report "not supported" with this non-POSIX errno.
constexpr int kEnotsupp = 524;

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
  using namespace privileges;
  CapMask effective = 0;
  try {
    effective = current_caps().effective;
  } catch (const std::system_error& e) {
    return Error{"privileges", e.code().value(), "cannot read process capabilities"};
  }
  const bool bpf = (effective & (cap_bit(kCapBpf) | cap_bit(kCapSysAdmin))) != 0;
  const bool net = (effective & cap_bit(kCapNetAdmin)) != 0;
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
