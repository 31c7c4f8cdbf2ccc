/* SPDX-License-Identifier: BSD-2-Clause */
// The user flowlensd switches to after attaching (core.user), and the files that user must own
// to keep working: what the daemon writes later lives in its state directory.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace flowlens::privileges {

// Where the package keeps state (sink-webhook's firing alerts by default); systemd's
// StateDirectory=flowlens names the same place in STATE_DIRECTORY.
inline constexpr const char* kDefaultStateDir = "/var/lib/flowlens";

struct RunUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;              // the user's primary group
  std::vector<gid_t> groups;  // every group /etc/group lists the user in, the primary one too
};

// The user's ids and groups from the system's user database; nullopt when there is no such user.
// Throws std::system_error when the database cannot be read.
std::optional<RunUser> find_user(const std::string& name);

// Names of the groups, "docker, flowlens", for the log.
std::string group_names(const std::vector<gid_t>& groups);

// STATE_DIRECTORY's entries (colon-separated, as systemd sets it), else kDefaultStateDir.
std::vector<std::string> state_directories();

// Creates `dir` (0750) when missing and gives it and everything under it to uid:gid, symlinks
// themselves and not their targets. Throws std::system_error naming the path.
void give_tree(const std::string& dir, uid_t uid, gid_t gid);

}  // namespace flowlens::privileges
