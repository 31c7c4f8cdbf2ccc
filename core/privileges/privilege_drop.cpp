// SPDX-License-Identifier: BSD-2-Clause
#include "privileges/privilege_drop.h"

#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace flowlens::privileges {

namespace {

[[noreturn]] void fail(const std::string& step, int err, const std::string& hint = "") {
  std::string msg = "dropping privileges: " + step + ": " + std::strerror(err);
  if (!hint.empty()) msg += " (" + hint + ")";
  throw PrivilegeError(msg);
}

std::vector<gid_t> current_groups() {
  const int n = getgroups(0, nullptr);
  std::vector<gid_t> groups(n > 0 ? static_cast<size_t>(n) : 0);
  if (n > 0 && getgroups(n, groups.data()) != n) groups.clear();
  return groups;
}

size_t thread_count() {
  std::error_code ec;
  size_t n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/task", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

// Empties the bounding set, so nothing this process runs can regain a capability. Needs
// CAP_SETPCAP; without it (a container given only what loading needs) the set stays as the
// service manager made it, which no_new_privs already keeps from being used.
bool empty_bounding_set() {
  const int last = last_cap();
  for (int cap = 0; cap <= last; ++cap) {
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      if (errno == EPERM) return false;
      fail("PR_CAPBSET_DROP " + cap_names(cap_bit(cap)), errno);
    }
  }
  return true;
}

CapMask bounding_set() {
  CapMask mask = 0;
  for (int cap = 0; cap <= last_cap(); ++cap)
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1) mask |= cap_bit(cap);
  return mask;
}

// setresuid from root clears the effective set and, with KEEPCAPS, keeps the permitted one.
void become(const RunUser& user) {
  const std::string who = "user '" + user.name + "'";
  const char* hint = "flowlensd needs CAP_SETUID and CAP_SETGID until it has switched";
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) fail("PR_SET_KEEPCAPS", errno);
  if (setgroups(user.groups.size(), user.groups.data()) != 0)
    fail("the groups of " + who, errno, hint);
  if (setresgid(user.gid, user.gid, user.gid) != 0) fail("the group of " + who, errno, hint);
  if (setresuid(user.uid, user.uid, user.uid) != 0) fail(who, errno, hint);
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) fail("PR_SET_KEEPCAPS", errno);
  // Changing ids makes the process undumpable: no core file after a crash, and a sanitizer's
  // leak check at exit cannot attach. Dumpable again, a process of the same user still cannot
  // trace it or read its memory: the kernel also wants the tracer to hold every capability the
  // daemon keeps.
  if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) != 0) fail("PR_SET_DUMPABLE", errno);
}

// The least of nothing, CAP_BPF, CAP_SYS_ADMIN with which the kernel still answers on the loaded
// objects. Effective may change freely within permitted, so each try is undone by the next.
CapMask bpf_capability(const DropRequest& request, CapMask base, CapMask permitted) {
  for (CapMask extra : {CapMask{0}, cap_bit(kCapBpf), cap_bit(kCapSysAdmin)}) {
    if ((permitted & extra) != extra) continue;
    set_caps(CapSets{base | extra, permitted, 0});
    if (!request.bpf_usable || request.bpf_usable()) return extra;
  }
  throw PrivilegeError(
      "dropping privileges: the kernel refuses the loaded maps with CAP_BPF and with "
      "CAP_SYS_ADMIN");
}

std::string reasons(CapMask kept, const std::string& low_port_reason) {
  std::string out;
  auto add = [&](int cap, const std::string& why) {
    if ((kept & cap_bit(cap)) == 0) return;
    if (!out.empty()) out += ", ";
    out += cap_names(cap_bit(cap)) + " (" + why + ")";
  };
  add(kCapNetAdmin, "attaching again, detaching on exit");
  add(kCapBpf, "this kernel wants it for every bpf() call");
  add(kCapSysAdmin, "this kernel wants it for every bpf() call");
  add(kCapNetBindService, low_port_reason);
  return out.empty() ? "no capability" : out;
}

}  // namespace

DropResult drop_privileges(const DropRequest& request) {
  if (const size_t n = thread_count(); n > 1)
    throw PrivilegeError("dropping privileges: " + std::to_string(n) +
                         " threads are running; every one but this would keep its capabilities");
  DropResult result;
  try {
    if (request.user && getuid() != request.user->uid)
      for (const std::string& dir : request.state_dirs)
        give_tree(dir, request.user->uid, request.user->gid);
    result.bounding_empty = empty_bounding_set();
    // EINVAL: a kernel before 4.3 has no ambient set to clear.
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
      fail("PR_CAP_AMBIENT_CLEAR_ALL", errno);
    if (request.user && getuid() != request.user->uid) become(*request.user);

    const CapMask permitted = current_caps().permitted;
    CapMask wanted = cap_bit(kCapNetAdmin);
    if (!request.low_port_reason.empty()) wanted |= cap_bit(kCapNetBindService);
    const CapMask base = wanted & permitted;
    result.kept = base | bpf_capability(request, base, permitted);
    set_caps(CapSets{result.kept, result.kept, 0});
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("PR_SET_NO_NEW_PRIVS", errno);

    const CapSets now = current_caps();
    if (now.effective != result.kept || now.permitted != result.kept || now.inheritable != 0)
      throw PrivilegeError("dropping privileges: the kernel kept " + cap_names(now.permitted) +
                           " instead of " + cap_names(result.kept));
  } catch (const std::system_error& e) {
    throw PrivilegeError(std::string("dropping privileges: ") + e.what());
  }

  const uid_t uid = getuid();
  const std::string who = request.user ? request.user->name : uid == 0 ? "root" : "uid";
  result.summary = "running as " + who + " (uid " + std::to_string(uid) + ", groups " +
                   group_names(current_groups()) + ") with " +
                   reasons(result.kept, request.low_port_reason) + "; bounding set " +
                   (result.bounding_empty ? "empty" : cap_names(bounding_set())) + ", no_new_privs";
  return result;
}

}  // namespace flowlens::privileges
