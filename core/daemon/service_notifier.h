// SPDX-License-Identifier: BSD-2-Clause
// Tells the service manager how the daemon is doing (systemd's notify protocol: one datagram of
// `KEY=value` lines to the Unix socket named by NOTIFY_SOCKET). Written by hand rather than over
// libsystemd: the protocol is a single sendto(), and the daemon then runs the same in a container
// or on a host without systemd, where every call is a no-op.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace flowlens::daemon {

// Used from the event loop's thread only (the daemon's start, ticks, signals and reloads).
class ServiceNotifier {
 public:
  // Reads NOTIFY_SOCKET (a path, or '@' for an abstract socket) and WATCHDOG_USEC / WATCHDOG_PID.
  // Without NOTIFY_SOCKET, or with one it cannot use (logged once as a warning), it is disabled.
  static ServiceNotifier from_environment();

  // A disabled notifier: every call does nothing.
  ServiceNotifier() = default;
  ~ServiceNotifier();
  ServiceNotifier(ServiceNotifier&& other) noexcept;
  ServiceNotifier& operator=(ServiceNotifier&& other) noexcept;
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  bool enabled() const { return fd_ >= 0; }

  // READY=1: the kernel program is attached and the plugins have started (again, after a reload).
  void ready() const;
  // RELOADING=1 with the monotonic time systemd 253+ asks for; follow it with ready() once the
  // new configuration is in effect, or refused and the old one kept.
  void reloading() const;
  // STOPPING=1: shutting down on request, not crashing.
  void stopping() const;
  // STATUS=: one line for `systemctl status`. Repeated texts are not sent again, so calling it
  // every tick costs a string compare.
  void status(std::string_view text);
  // WATCHDOG=1: the event loop is alive. Call it every watchdog_interval() from the loop itself,
  // so a hung loop stops pinging and systemd restarts the service.
  void watchdog() const;

  // Half of WATCHDOG_USEC, as sd_watchdog_enabled() advises; empty when no watchdog is asked for
  // (unset, 0, or WATCHDOG_PID naming another process).
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_interval_; }

 private:
  // Sends one message; a failure is logged once (the service manager may have gone away) and
  // never ends the daemon.
  void send(std::string_view message) const;

  int fd_ = -1;
  sockaddr_un address_{};
  socklen_t address_size_ = 0;
  std::optional<std::chrono::microseconds> watchdog_interval_;
  std::string last_status_;
  mutable bool send_failed_ = false;  // the first failure was logged
};

}  // namespace flowlens::daemon
