/* SPDX-License-Identifier: BSD-2-Clause */
// A real dockerd for tests: its own network namespace (entered with nsenter --net=, since
// `ip netns exec` remounts /sys and breaks dockerd), socket, data root, exec root and pid file,
// so it touches neither the host's networking nor a system dockerd. The image is busybox-static
// imported from a tarball: no registry is needed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

namespace flowlens::discovery_docker::testing {

struct CommandResult {
  int status = -1;     // exit code, or -1 when it did not exit normally
  std::string output;  // stdout and stderr
};

// Runs `command` with /bin/sh, bounded by `timeout` (killed past it).
CommandResult run_command(const std::string& command,
                          std::chrono::seconds timeout = std::chrono::seconds(60));

class TestDockerd {
 public:
  // Image every test container runs: busybox as entrypoint ("sleep 1000", "nc -lk -p ...").
  static constexpr const char* kImage = "flowlens-test:1";

  TestDockerd();
  ~TestDockerd();
  TestDockerd(const TestDockerd&) = delete;
  TestDockerd& operator=(const TestDockerd&) = delete;

  // Why a dockerd cannot run here (not root, no dockerd, no busybox-static), or "".
  static std::string unavailable_reason();

  // Creates the namespace, starts dockerd, imports the image. Throws std::runtime_error with
  // dockerd's log tail when it does not come up within the timeout.
  void start();
  // SIGTERM, then SIGKILL after a timeout; the data root is kept for a later start().
  void stop_daemon();
  void start_daemon();

  std::string host() const { return "unix://" + socket_; }
  std::string netns() const { return netns_; }
  // `docker -H <socket> ARGS`; throws when it fails.
  std::string docker(const std::string& args) const;
  CommandResult try_docker(const std::string& args) const;

 private:
  void cleanup() noexcept;

  std::string netns_;
  std::string dir_;
  std::string socket_;
  pid_t pid_ = -1;
};

}  // namespace flowlens::discovery_docker::testing
