// SPDX-License-Identifier: BSD-2-Clause
#include "test_dockerd.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace flowlens::discovery_docker::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// dockerd usually answers within 1-2 s; a loaded CI box under ASan gets much longer.
constexpr auto kDaemonStartTimeout = 60s;
constexpr auto kDaemonStopTimeout = 20s;
constexpr const char* kBusybox = "/bin/busybox";

bool executable(const std::string& name) {
  return run_command("command -v " + name + " >/dev/null 2>&1", 10s).status == 0;
}

std::string tail(const std::string& path, size_t bytes) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > bytes ? s.substr(s.size() - bytes) : s;
}

// The image has no libc: the busybox in it must be the static one (busybox-static), not
// Debian's dynamically linked busybox.
bool statically_linked(const std::string& path) {
  return run_command("ldd " + path + " 2>&1 | grep -q 'not a dynamic executable'", 10s).status == 0;
}

}  // namespace

CommandResult run_command(const std::string& command, std::chrono::seconds timeout) {
  CommandResult r;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return r;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    setpgid(0, 0);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<char, 4096> buf;
  int status = 0;
  bool exited = false;
  for (;;) {
    const ssize_t n = read(fds[0], buf.data(), buf.size());
    if (n > 0) {
      r.output.append(buf.data(), n);
      continue;
    }
    if (!exited) exited = waitpid(pid, &status, WNOHANG) == pid;
    // EOF, or the child is gone and nothing is buffered (a daemon it started keeps the pipe).
    if (n == 0 || (exited && errno == EAGAIN)) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      if (!exited) waitpid(pid, &status, 0);
      r.output += "\n[killed after " + std::to_string(timeout.count()) + " s]";
      close(fds[0]);
      return r;
    }
    std::this_thread::sleep_for(2ms);
  }
  if (!exited) waitpid(pid, &status, 0);
  close(fds[0]);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string TestDockerd::unavailable_reason() {
  if (geteuid() != 0) return "not running as root";
  for (const char* tool : {"dockerd", "docker", "nsenter", "ip", "tar", "ldd"}) {
    if (!executable(tool)) {
      return std::string(tool) + " is not installed (scripts/install-deps.sh --test installs it)";
    }
  }
  if (!fs::exists(kBusybox) || !statically_linked(kBusybox)) {
    return "no static /bin/busybox (Debian package busybox-static)";
  }
  return "";
}

TestDockerd::TestDockerd() {
  const std::string tag = std::to_string(getpid());
  netns_ = "flowlens-dockerd-" + tag;
  // Short: a unix socket path must fit in 108 bytes.
  dir_ = "/tmp/fl-dockerd-" + tag;
  socket_ = dir_ + "/docker.sock";
}

TestDockerd::~TestDockerd() {
  cleanup();
}

void TestDockerd::start() {
  cleanup();
  fs::create_directories(dir_ + "/image/bin");
  CommandResult r =
      run_command("ip netns add " + netns_ + " && ip -n " + netns_ + " link set lo up");
  if (r.status != 0) throw std::runtime_error("ip netns add: " + r.output);
  start_daemon();
  fs::copy_file(kBusybox, dir_ + "/image/bin/busybox", fs::copy_options::overwrite_existing);
  r = run_command("tar -C " + dir_ + "/image -cf - . | docker -H " + host() +
                  " import -c 'ENTRYPOINT [\"/bin/busybox\"]' - " + kImage);
  if (r.status != 0) throw std::runtime_error("docker import: " + r.output);
}

void TestDockerd::start_daemon() {
  const std::string log = dir_ + "/dockerd.log";
  pid_ = fork();
  if (pid_ == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    setpgid(0, 0);
    // A test killed by its timeout must not leave a dockerd behind (kept across exec).
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    const std::string net = "--net=/run/netns/" + netns_;
    const std::string host_arg = "unix://" + socket_;
    // No iptables/ip6tables: the namespace is ours alone, and the host's firewall stays as it
    // is; published ports then go through docker-proxy, which is what the tests need.
    execlp("nsenter", "nsenter", net.c_str(), "dockerd", "--host", host_arg.c_str(), "--data-root",
           (dir_ + "/data").c_str(), "--exec-root", (dir_ + "/exec").c_str(), "--pidfile",
           (dir_ + "/dockerd.pid").c_str(), "--iptables=false", "--ip6tables=false",
           "--storage-driver=vfs", static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + kDaemonStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (try_docker("version --format '{{.Server.APIVersion}}'").status == 0) return;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("dockerd exited at start: " + tail(log, 2000));
    }
    std::this_thread::sleep_for(100ms);
  }
  throw std::runtime_error("dockerd did not answer within " +
                           std::to_string(kDaemonStartTimeout.count()) + " s: " + tail(log, 2000));
}

void TestDockerd::stop_daemon() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + kDaemonStopTimeout;
  int status;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  pid_ = -1;
}

CommandResult TestDockerd::try_docker(const std::string& args) const {
  return run_command("docker -H " + host() + " " + args, 60s);
}

std::string TestDockerd::docker(const std::string& args) const {
  CommandResult r = try_docker(args);
  if (r.status != 0) throw std::runtime_error("docker " + args + ": " + r.output);
  while (!r.output.empty() && r.output.back() == '\n') r.output.pop_back();
  return r.output;
}

void TestDockerd::cleanup() noexcept {
  if (pid_ > 0) {
    try_docker("ps -aq | xargs -r docker -H " + host() + " rm -f >/dev/null");
    stop_daemon();
  }
  // dockerd leaves namespace and overlay mounts under its roots when killed: detach them,
  // deepest first, or the directory cannot be removed.
  std::vector<std::string> mounts;
  std::ifstream in("/proc/mounts");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string dev, point;
    fields >> dev >> point;
    if (point.starts_with(dir_ + "/")) mounts.push_back(point);
  }
  std::sort(mounts.rbegin(), mounts.rend());
  for (const auto& m : mounts) umount2(m.c_str(), MNT_DETACH);
  std::error_code ec;
  fs::remove_all(dir_, ec);
  run_command("ip netns del " + netns_ + " 2>/dev/null", std::chrono::seconds(10));
}

}  // namespace flowlens::discovery_docker::testing
