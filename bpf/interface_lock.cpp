#include "bpf/interface_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

namespace flowlens::bpf {

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
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    if (err == EWOULDBLOCK)
      return Error{step, 0,
                   "another flowlensd" + (pid.empty() ? std::string() : " (pid " + pid + ")") +
                       " is attached to " + ifname +
                       "; one daemon per interface (a second one would replace its filters)"};
    return make_error(step, -err, "cannot lock " + path);
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock.fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(lock.fd_, pid.data(), pid.size(), 0);
  }
  return Result<InterfaceLock>(std::move(lock));
}

InterfaceLock::InterfaceLock(InterfaceLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

InterfaceLock& InterfaceLock::operator=(InterfaceLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

InterfaceLock::~InterfaceLock() {
  // Closing releases the flock; the file stays (removing it would race a starting daemon).
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace flowlens::bpf
