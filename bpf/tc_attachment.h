/* SPDX-License-Identifier: BSD-2-Clause */
// Attaches FlowLens's ingress and egress programs to one interface's clsact hook and, on
// destruction, removes exactly what it added: its two filters, and the clsact qdisc only if it
// created it. Another tool's filters and a clsact that was already there stay untouched.
#pragma once

#include <cstdint>
#include <string>

#include "bpf/result.h"
#include "flowlens.h"

namespace flowlens::bpf {

// Our filters' handle, fixed (not kernel-assigned) so a filter left by a crashed run of ours is
// found and replaced in place instead of counting every packet twice. A filter is ours only when
// it has this handle, our priority and our program's name; anything else is never replaced or
// deleted.
inline constexpr uint32_t kTcHandle = 0x464c;  // "FL"
// Lower numbers run first. An observer wants to run early: a filter before ours that returns any
// verdict but TC_ACT_UNSPEC (pass, drop, redirect) ends the hook, and we never see the packet,
// while ours returns TC_ACT_UNSPEC so every filter after it still sees and decides. Not 1, the
// number most tools take (Cilium's default among them): sharing a priority with another tool is
// how one tool's `tc filter del ... prio N` removes the other's filters.
inline constexpr uint32_t kDefaultTcPriority = FLOWLENS_DEFAULT_TC_PRIORITY;
// The kernel keeps a filter's priority in 16 bits; 0 asks it to pick one, which we never do.
inline constexpr uint32_t kMaxTcPriority = FLOWLENS_MAX_TC_PRIORITY;

class TcAttachment {
 public:
  // Attaches at `priority` in the calling thread's network namespace. A filter of another tool
  // at our handle and priority is refused, never replaced. Logs the other filters that run
  // before ours and can keep packets from it (tc_filters.h). `clsact_is_ours`: a clsact qdisc
  // found already there was created by an earlier run of ours that was killed, so it is removed
  // on detach like one this run created.
  static Result<TcAttachment> attach(const std::string& ifname, int ingress_fd, int egress_fd,
                                     uint32_t priority, bool clsact_is_ours = false);

  TcAttachment(TcAttachment&& other) noexcept;
  TcAttachment& operator=(TcAttachment&& other) noexcept;
  TcAttachment(const TcAttachment&) = delete;
  TcAttachment& operator=(const TcAttachment&) = delete;
  ~TcAttachment() { detach(); }

  // Removes our filters (and the qdisc if we created it); failures are logged, never thrown. A
  // filter that another program took over in our place is left alone.
  void detach() noexcept;

  bool attached() const { return ifindex_ != 0; }

  // Whether what we attached is still there and still ours, asked of the kernel: "" when it is,
  // else what changed ("interface eth0 is gone", "our ingress filter on eth0 was removed",
  // "another program (id 77) replaced ours on eth0 egress"). Cheap enough for every tick.
  std::string problem() const;
  // Forgets the attachment without touching the kernel: for when the interface it was on is gone
  // or re-created, so there is nothing of ours left to remove.
  void forget() noexcept;
  int ifindex() const { return ifindex_; }
  const std::string& ifname() const { return ifname_; }
  bool created_qdisc() const { return created_qdisc_; }
  uint32_t priority() const { return priority_; }

 private:
  TcAttachment() = default;

  std::string ifname_;
  int ifindex_ = 0;  // 0 once detached
  uint32_t priority_ = kDefaultTcPriority;
  bool created_qdisc_ = false;    // clsact was absent before us
  bool ingress_ = false;          // our ingress filter is in place
  bool egress_ = false;           // our egress filter is in place
  uint32_t ingress_prog_id_ = 0;  // what the kernel calls our programs, to tell them from others
  uint32_t egress_prog_id_ = 0;
};

}  // namespace flowlens::bpf
