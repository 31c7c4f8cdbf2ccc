// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/interface_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>
#include <utility>

namespace flowlens::bpf {

namespace {
constexpr const char* kClsactCreated = "clsact: created";
}  // namespace

Result<InterfaceLock> InterfaceLock::acquire(const std::string& ifname) {
  const std::string step = "lock " + ifname;
  struct stat ns {};
  if (::stat("/proc/self/ns/net", &ns) != 0)
    return make_error(step, -errno, "cannot identify the network namespace");
  if (::mkdir(kLockDir, 0755) != 0 && errno != EEXIST)
    return make_error(step, -errno, std::string("cannot create ") + kLockDir);
  const std::string path =
      std::string(kLockDir) + "/netns-" + std::to_string(ns.st_ino) + "-" + ifname + ".lock";
  InterfaceLock lock;
  lock.fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock.fd_ < 0) return make_error(step, -errno, "cannot open " + path);
  if (::flock(lock.fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char holder[32] = {};
    const ssize_t n = ::pread(lock.fd_, holder, sizeof holder - 1, 0);
    std::string pid = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "";
    pid = pid.substr(0, pid.find('\n'));  // the first line; the second is the clsact note
    if (err == EWOULDBLOCK)
      return Error{step, 0,
                   "another flowlensd" + (pid.empty() ? std::string() : " (pid " + pid + ")") +
                       " is attached to " + ifname +
                       "; one daemon per interface (a second one would replace its filters)"};
    return make_error(step, -err, "cannot lock " + path);
  }
  char previous[128] = {};
  if (::pread(lock.fd_, previous, sizeof previous - 1, 0) > 0)
    lock.previous_created_clsact_ =
        std::string_view(previous).find(kClsactCreated) != std::string_view::npos;
  lock.record_clsact(lock.previous_created_clsact_);
  return Result<InterfaceLock>(std::move(lock));
}

void InterfaceLock::record_clsact(bool created) noexcept {
  if (fd_ < 0) return;
  const std::string text =
      std::to_string(::getpid()) + "\n" + (created ? kClsactCreated : "clsact: present") + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, text.data(), text.size(), 0);
  }
}

InterfaceLock::InterfaceLock(InterfaceLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), previous_created_clsact_(other.previous_created_clsact_) {}

InterfaceLock& InterfaceLock::operator=(InterfaceLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    previous_created_clsact_ = other.previous_created_clsact_;
  }
  return *this;
}

InterfaceLock::~InterfaceLock() {
  // Closing releases the flock; the file stays (removing it would race a starting daemon).
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace flowlens::bpf
