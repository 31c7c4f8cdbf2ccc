/* SPDX-License-Identifier: BSD-2-Clause */
// Network namespaces a test creates for itself (never the host's), entered by the calling thread.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

namespace flowlens::testing {

// Runs a shell command, returns its stdout (stderr goes to the test log); `status` gets the exit.
inline std::string run_cmd(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return out;
  std::array<char, 512> buf{};
  // Bounded read: commands here print a few lines.
  for (int i = 0; i < 4096 && fgets(buf.data(), buf.size(), p); ++i) out += buf.data();
  int st = pclose(p);
  if (status) *status = st;
  return out;
}

// `ip netns add` on construction, `ip netns del` on destruction (which also removes its links).
class Netns {
 public:
  explicit Netns(std::string name) : name_(std::move(name)) {
    run_cmd("ip netns del " + name_);  // a leftover from an aborted run
    int st = 0;
    run_cmd("ip netns add " + name_, &st);
    ok_ = st == 0;
  }
  ~Netns() { run_cmd("ip netns del " + name_); }
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;

  bool ok() const { return ok_; }
  const std::string& name() const { return name_; }
  // Runs `cmd` (e.g. "ip link ...", "tc ...") inside the namespace.
  std::string exec(const std::string& cmd, int* status = nullptr) const {
    return run_cmd("ip netns exec " + name_ + " " + cmd, status);
  }

 private:
  std::string name_;
  bool ok_ = false;
};

// Moves the calling thread into a namespace until destroyed, then back.
class EnterNetns {
 public:
  explicit EnterNetns(const std::string& name) {
    home_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    int fd = open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    ok_ = home_ >= 0 && fd >= 0 && setns(fd, CLONE_NEWNET) == 0;
    if (fd >= 0) close(fd);
  }
  ~EnterNetns() {
    if (home_ >= 0) {
      setns(home_, CLONE_NEWNET);
      close(home_);
    }
  }
  EnterNetns(const EnterNetns&) = delete;
  EnterNetns& operator=(const EnterNetns&) = delete;
  bool ok() const { return ok_; }

 private:
  int home_ = -1;
  bool ok_ = false;
};

}  // namespace flowlens::testing
