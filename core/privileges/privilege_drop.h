/* SPDX-License-Identifier: BSD-2-Clause */
// Once the kernel program is loaded and attached, flowlensd keeps only what running needs:
//
//   CAP_NET_ADMIN          attaching again when the interface comes back or a filter is removed,
//                          and detaching on exit (TC over netlink)
//   CAP_BPF                only on kernels that want it for every bpf() call, reads of maps the
//                          daemon already holds included (before Linux 6.5, with
//                          kernel.unprivileged_bpf_disabled set); found by trying, not by version
//   CAP_SYS_ADMIN          the same, on kernels before 5.8 (no CAP_BPF)
//   CAP_NET_BIND_SERVICE   only while a configured `listen` port is below 1024
//
// Everything else goes, from every set: bounding, inheritable and ambient are emptied and
// no_new_privs is set. Optionally it first becomes another user (core.user), with that user's
// groups, handing it the state directory.
//
// Capabilities belong to threads: this must run while the process has one thread, before the
// plugins and the reload thread start, so that every thread started later inherits the result.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "privileges/capabilities.h"
#include "privileges/run_user.h"

namespace flowlens::privileges {

struct DropRequest {
  // Become this user (nullopt: stay who we are).
  std::optional<RunUser> user;
  // Handed to `user` before switching (state_directories()); ignored without a user.
  std::vector<std::string> state_dirs;
  // Why CAP_NET_BIND_SERVICE is kept, e.g. "plugins.web listens on :80"; empty drops it.
  std::string low_port_reason;
  // Whether the kernel still answers on the loaded maps and programs with the thread's current
  // effective set: tried with less first, to learn whether CAP_BPF must stay.
  std::function<bool()> bpf_usable;
};

struct DropResult {
  CapMask kept = 0;             // effective = permitted after the drop
  bool bounding_empty = false;  // false when the caller lacked CAP_SETPCAP to empty it
  std::string summary;          // one line for the log: who, what is kept and why
};

class PrivilegeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws PrivilegeError naming the step and the cause; the process is then in an unknown state
// and must exit.
DropResult drop_privileges(const DropRequest& request);

}  // namespace flowlens::privileges
