/* SPDX-License-Identifier: BSD-2-Clause */
// Attaches FlowLens's ingress and egress programs to one interface's clsact hook and, on
// destruction, removes exactly what it added: its two filters, and the clsact qdisc only if it
// created it. Another tool's filters and a clsact that was already there stay untouched.
#pragma once

#include <cstdint>
#include <string>

#include "bpf/result.h"

namespace flowlens::bpf {

// Our filters' handle and priority. Fixed (not kernel-assigned) so a filter left by a crashed run
// is replaced in place instead of counting every packet twice. Priority 1 runs first; since the
// program returns TC_ACT_UNSPEC, filters after it still see and decide on every packet.
inline constexpr uint32_t kTcHandle = 0x464c;  // "FL"
inline constexpr uint32_t kTcPriority = 1;

class TcAttachment {
 public:
  // Attaches in the calling thread's network namespace. `clsact_is_ours`: a clsact qdisc found
  // already there was created by an earlier run of ours that was killed, so it is removed on
  // detach like one this run created.
  static Result<TcAttachment> attach(const std::string& ifname, int ingress_fd, int egress_fd,
                                     bool clsact_is_ours = false);

  TcAttachment(TcAttachment&& other) noexcept;
  TcAttachment& operator=(TcAttachment&& other) noexcept;
  TcAttachment(const TcAttachment&) = delete;
  TcAttachment& operator=(const TcAttachment&) = delete;
  ~TcAttachment() { detach(); }

  // Removes our filters (and the qdisc if we created it); failures are logged, never thrown.
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

 private:
  TcAttachment() = default;

  std::string ifname_;
  int ifindex_ = 0;               // 0 once detached
  bool created_qdisc_ = false;    // clsact was absent before us
  bool ingress_ = false;          // our ingress filter is in place
  bool egress_ = false;           // our egress filter is in place
  uint32_t ingress_prog_id_ = 0;  // what the kernel calls our programs, to tell them from others
  uint32_t egress_prog_id_ = 0;
};

}  // namespace flowlens::bpf
