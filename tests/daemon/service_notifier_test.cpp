// SPDX-License-Identifier: BSD-2-Clause
// The notify protocol as a service manager receives it: datagrams on a socket of the test's own,
// by path and by abstract name, and nothing at all when NOTIFY_SOCKET is unset or unusable.
#include "daemon/service_notifier.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace flowlens::daemon {
namespace {

// A bound datagram socket standing in for systemd's notify socket.
class Receiver {
 public:
  // `name` is a path, or starts with '@' for an abstract socket.
  explicit Receiver(const std::string& name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, name.data(), name.size());
    if (name[0] == '@') a.sun_path[0] = '\0';
    auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a), size) == 0;
    timeval tv{1, 0};  // a missing message fails the test in a second, never hangs it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Receiver() { ::close(fd_); }
  bool bound() const { return bound_; }

  // The next datagram, or "" after a second without one.
  std::string next() {
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
};

class ServiceNotifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"}) ::unsetenv(v);
    dir_ = std::filesystem::temp_directory_path() / ("notify-test-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ServiceNotifierTest, WithoutNotifySocketEveryCallIsANoOp) {
  auto n = ServiceNotifier::from_environment();
  EXPECT_FALSE(n.enabled());
  EXPECT_FALSE(n.watchdog_interval());
  n.ready();
  n.status("x");
  n.watchdog();
}

TEST_F(ServiceNotifierTest, PathSocketGetsReadyStatusReloadingAndStopping) {
  const std::string path = (dir_ / "notify").string();
  Receiver r(path);
  ASSERT_TRUE(r.bound());
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  auto n = ServiceNotifier::from_environment();
  ASSERT_TRUE(n.enabled());
  n.ready();
  EXPECT_EQ(r.next(), "READY=1");
  n.status("watching 2 servers, 5 players");
  EXPECT_EQ(r.next(), "STATUS=watching 2 servers, 5 players");
  n.reloading();
  EXPECT_EQ(r.next().rfind("RELOADING=1\nMONOTONIC_USEC=", 0), 0u);
  n.stopping();
  EXPECT_EQ(r.next(), "STOPPING=1");
}

TEST_F(ServiceNotifierTest, AbstractSocketIsReachedByItsAtName) {
  const std::string name = "@flowlens-notify-test-" + std::to_string(getpid());
  Receiver r(name);
  ASSERT_TRUE(r.bound());
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  auto n = ServiceNotifier::from_environment();
  n.ready();
  EXPECT_EQ(r.next(), "READY=1");
}

TEST_F(ServiceNotifierTest, SameStatusTwiceIsSentOnceAndNewlinesStayOnOneLine) {
  const std::string path = (dir_ / "notify").string();
  Receiver r(path);
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  auto n = ServiceNotifier::from_environment();
  n.status("a\nREADY=1");
  n.status("a\nREADY=1");
  n.status("b");
  EXPECT_EQ(r.next(), "STATUS=a READY=1");
  EXPECT_EQ(r.next(), "STATUS=b");
}

TEST_F(ServiceNotifierTest, WatchdogPingsAtHalfTheAskedInterval) {
  const std::string path = (dir_ / "notify").string();
  Receiver r(path);
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  ::setenv("WATCHDOG_USEC", "3000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  auto n = ServiceNotifier::from_environment();
  ASSERT_TRUE(n.watchdog_interval());
  EXPECT_EQ(n.watchdog_interval()->count(), 1'500'000);
  n.watchdog();
  EXPECT_EQ(r.next(), "WATCHDOG=1");
}

TEST_F(ServiceNotifierTest, NoWatchdogForAnotherPidZeroOrGarbage) {
  const std::string path = (dir_ / "notify").string();
  Receiver r(path);
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  struct Case {
    const char* usec;
    std::string pid;
  };
  for (const auto& c : {Case{"3000000", std::to_string(getpid() + 1)}, Case{"0", ""},
                        Case{"3s", ""}, Case{"-5", ""}}) {
    ::setenv("WATCHDOG_USEC", c.usec, 1);
    if (c.pid.empty())
      ::unsetenv("WATCHDOG_PID");
    else
      ::setenv("WATCHDOG_PID", c.pid.c_str(), 1);
    auto n = ServiceNotifier::from_environment();
    EXPECT_FALSE(n.watchdog_interval()) << "WATCHDOG_USEC=" << c.usec << " PID=" << c.pid;
    n.watchdog();
  }
  EXPECT_EQ(r.next(), "");
}

TEST_F(ServiceNotifierTest, RelativeOrOverlongSocketNameDisablesIt) {
  for (const std::string& name : {std::string("relative/notify"), "/" + std::string(200, 'x')}) {
    ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
    EXPECT_FALSE(ServiceNotifier::from_environment().enabled()) << name;
  }
}

TEST_F(ServiceNotifierTest, AVanishedManagerNeverThrows) {
  const std::string path = (dir_ / "gone").string();
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  auto n = ServiceNotifier::from_environment();
  ASSERT_TRUE(n.enabled());
  n.ready();
  n.ready();
}

}  // namespace
}  // namespace flowlens::daemon
