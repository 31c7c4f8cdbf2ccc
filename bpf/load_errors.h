/* SPDX-License-Identifier: BSD-2-Clause */
// Turns the usual reasons a BPF datapath cannot start into one clear line for the operator.
#pragma once

#include <string>

#include "bpf/result.h"

namespace flowlens::bpf {

// Oldest kernel the program is written for: global data and frozen .rodata (5.2), mmap-able
// arrays (5.5), batch map reads (5.6, with a fallback). Older kernels get a clear refusal.
inline constexpr int kMinKernelMajor = 5;
inline constexpr int kMinKernelMinor = 6;

// Fails when the process lacks CAP_NET_ADMIN and CAP_BPF (or CAP_SYS_ADMIN before Linux 5.8).
Status check_privileges();

// Fails when the running kernel is older than kMinKernelMajor.kMinKernelMinor.
Status check_kernel_version();

// The running kernel's release, e.g. "6.1.0-18-amd64".
std::string kernel_release();

// Rewrites a failed load (libbpf's -errno) into the likely cause; the verifier log is already in
// the debug log through route_libbpf_log_to_spdlog().
Error explain_load_error(int ret);

}  // namespace flowlens::bpf
