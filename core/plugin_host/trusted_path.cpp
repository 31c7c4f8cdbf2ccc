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

// `what` is "file" or "directory"; the message says how to fix it, since the operator reads it.
void check_one(const std::filesystem::path& path, const char* what, bool want_dir) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw PluginError("refusing plugin " + std::string(what) + " " + path.string() +
                      ": stat failed: " + std::strerror(errno));
  }
  if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
    throw PluginError("refusing plugin " + std::string(what) + " " + path.string() + ": not a " +
                      (want_dir ? "directory" : "regular file"));
  }
  if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
    throw PluginError("refusing plugin " + std::string(what) + " " + path.string() +
                      ": owned by uid " + std::to_string(st.st_uid) +
                      ", not root; another user could replace the code flowlensd runs (chown "
                      "root)");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    throw PluginError("refusing plugin " + std::string(what) + " " + path.string() +
                      ": writable by group or others (mode " + octal_mode(st.st_mode) +
                      "); only root may write it (chmod go-w)");
  }
}

}  // namespace

void check_trusted_plugin_file(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::path real = std::filesystem::canonical(file, ec);
  if (ec) {
    throw PluginError("refusing plugin file " + file.string() + ": " + ec.message());
  }
  check_one(real.parent_path(), "directory", true);
  check_one(real, "file", false);
}

}  // namespace flowlens::plugin_host
