// SPDX-License-Identifier: BSD-2-Clause
#include "plugin_host/trusted_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "plugin_host/plugin_error.h"

namespace flowlens::plugin_host {
namespace {

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// `what` is "plugin file", "config directory"...; the message says how to fix it, since the
// operator reads it.
void check_one(const std::filesystem::path& path, const std::string& what, bool want_dir) {
  const std::string refusing = "refusing " + what + " " + path.string() + ": ";
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw PluginError(refusing + "stat failed: " + std::strerror(errno));
  if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
    throw PluginError(refusing + "not a " + (want_dir ? "directory" : "regular file"));
  if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
    throw PluginError(refusing + "owned by uid " + std::to_string(st.st_uid) +
                      ", not root; another user could change what flowlensd runs (chown root)");
  }
  const bool sticky_dir = want_dir && (st.st_mode & S_ISVTX) != 0;
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && !sticky_dir) {
    throw PluginError(refusing + "writable by group or others (mode " + octal_mode(st.st_mode) +
                      "); only root may write it (chmod go-w)");
  }
}

}  // namespace

void check_trusted_file(const std::filesystem::path& file, std::string_view kind) {
  const std::string k(kind);
  std::error_code ec;
  std::filesystem::path real = std::filesystem::canonical(file, ec);
  if (ec) throw PluginError("refusing " + k + " file " + file.string() + ": " + ec.message());
  check_one(real.parent_path(), k + " directory", true);
  check_one(real, k + " file", false);
}

}  // namespace flowlens::plugin_host
