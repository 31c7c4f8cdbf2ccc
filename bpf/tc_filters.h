/* SPDX-License-Identifier: BSD-2-Clause */
// What else is on a clsact hook: the filters another tool (Cilium, an observability agent, a DDoS
// filter) put there, read from the kernel with one rtnetlink dump, and which of them can keep
// packets from reaching our filter. Used at attach to refuse touching a filter that is not ours
// and to warn when another program runs before ours.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bpf/result.h"

namespace flowlens::bpf {

enum class TcHook { kIngress, kEgress };

const char* hook_name(TcHook hook);

// One filter on a clsact hook, as the kernel dumps it.
struct TcFilter {
  uint32_t priority = 0;       // lower runs first ("pref" in `tc filter show`)
  uint32_t handle = 0;         // unique within a priority
  std::string kind;            // classifier: "bpf", "u32", "flower", "matchall"...
  bool direct_action = false;  // bpf with `da`: the program's return value is the verdict
  uint32_t prog_id = 0;        // bpf only: the kernel's id of the program
  std::string name;            // bpf only: the name its loader gave ("prog:[id]", "file.o:[sec]")
};

// Every filter on `hook` of interface `ifindex` in the calling thread's network namespace, in
// the order the kernel runs them. An interface without a clsact qdisc has none.
Result<std::vector<TcFilter>> list_tc_filters(int ifindex, TcHook hook);

// The program name a filter was attached under: "flowlens_tc_in" for "flowlens_tc_in:[42]".
std::string program_name(const TcFilter& filter);

// Ids of the programs attached to the hook through TCX (kernel 6.6+), which all run before any
// TC filter; empty on older kernels.
std::vector<uint32_t> tcx_programs(int ifindex, TcHook hook);

// The operator's warning when something runs before our filter at `our_priority` on `where`
// ("eth0 ingress") and can end the hook before our program sees the packet: filters at a lower
// priority number, or at ours but not ours (their order among ours is the kernel's), and TCX
// programs. "" when nothing does.
std::string describe_filters_ahead(const std::vector<TcFilter>& filters,
                                   const std::vector<uint32_t>& tcx, uint32_t our_priority,
                                   uint32_t our_handle, const std::string& where);

}  // namespace flowlens::bpf
