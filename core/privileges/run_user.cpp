// SPDX-License-Identifier: BSD-2-Clause
#include "privileges/run_user.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace flowlens::privileges {

namespace {

// getpw*_r wants a buffer; sysconf may answer -1 ("no fixed limit").
constexpr size_t kFallbackBuffer = 16384;
// Bounds the group list a user database may report (NGROUPS_MAX is 65536 on Linux).
constexpr int kMaxGroups = 65536;

size_t buffer_size(int name) {
  const long n = sysconf(name);
  return n > 0 ? static_cast<size_t>(n) : kFallbackBuffer;
}

void own(const std::filesystem::path& p, uid_t uid, gid_t gid) {
  if (::lchown(p.c_str(), uid, gid) != 0)
    throw std::system_error(errno, std::generic_category(), "chown " + p.string());
}

// Children first: a directory given away first may no longer be readable (under the unit, root
// holds no CAP_DAC_READ_SEARCH). One already the user's that root cannot read is left as it is.
void give(const std::filesystem::path& p, uid_t uid, gid_t gid) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0)
    throw std::system_error(errno, std::generic_category(), "stat " + p.string());
  if (S_ISDIR(st.st_mode)) {
    std::error_code ec;
    std::filesystem::directory_iterator it(p, ec);
    const bool theirs = st.st_uid == uid && st.st_gid == gid;
    if (ec && !(theirs && ec == std::errc::permission_denied))
      throw std::system_error(ec, "reading " + p.string());
    for (std::filesystem::directory_iterator end; !ec && it != end; it.increment(ec))
      give(it->path(), uid, gid);
    if (ec && !theirs) throw std::system_error(ec, "reading " + p.string());
  }
  if (st.st_uid != uid || st.st_gid != gid) own(p, uid, gid);
}

}  // namespace

std::optional<RunUser> find_user(const std::string& name) {
  std::vector<char> buf(buffer_size(_SC_GETPW_R_SIZE_MAX));
  passwd pw{};
  passwd* found = nullptr;
  int err = 0;
  while ((err = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found)) == ERANGE)
    buf.resize(buf.size() * 2);
  // ENOENT, ESRCH and friends are how some NSS modules say "no such user".
  if (!found) {
    if (err == 0 || err == ENOENT || err == ESRCH || err == EBADF || err == EPERM)
      return std::nullopt;
    throw std::system_error(err, std::generic_category(), "looking up user '" + name + "'");
  }
  RunUser user{name, pw.pw_uid, pw.pw_gid, {}};
  int count = 32;
  std::vector<gid_t> groups(static_cast<size_t>(count));
  while (getgrouplist(name.c_str(), pw.pw_gid, groups.data(), &count) < 0) {
    if (count > kMaxGroups)
      throw std::system_error(E2BIG, std::generic_category(), "groups of user '" + name + "'");
    groups.resize(static_cast<size_t>(count));
  }
  groups.resize(static_cast<size_t>(count));
  user.groups = std::move(groups);
  return user;
}

std::string group_names(const std::vector<gid_t>& groups) {
  std::string out;
  std::vector<char> buf(buffer_size(_SC_GETGR_R_SIZE_MAX));
  for (gid_t g : groups) {
    group gr{};
    group* found = nullptr;
    while (getgrgid_r(g, &gr, buf.data(), buf.size(), &found) == ERANGE) buf.resize(buf.size() * 2);
    if (!out.empty()) out += ", ";
    out += found ? std::string(gr.gr_name) : std::to_string(g);
  }
  return out.empty() ? "none" : out;
}

std::vector<std::string> state_directories() {
  const char* env = std::getenv("STATE_DIRECTORY");
  if (!env || !*env) return {kDefaultStateDir};
  std::vector<std::string> dirs;
  std::string_view rest(env);
  while (!rest.empty()) {
    const size_t colon = rest.find(':');
    if (colon != 0) dirs.emplace_back(rest.substr(0, colon));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return dirs;
}

void give_tree(const std::string& dir, uid_t uid, gid_t gid) {
  if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST)
    throw std::system_error(errno, std::generic_category(), "mkdir " + dir);
  give(dir, uid, gid);
}

}  // namespace flowlens::privileges
