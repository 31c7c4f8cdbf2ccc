// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/service_notifier.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <utility>

namespace flowlens::daemon {

namespace {

// Parses a decimal environment value strictly; empty on anything else (an operator's typo must
// not turn into a watchdog of 0 or of garbage).
std::optional<unsigned long long> env_number(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  unsigned long long value = 0;
  const char* end = text + std::strlen(text);
  auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::optional<std::chrono::microseconds> watchdog_from_environment() {
  auto usec = env_number("WATCHDOG_USEC");
  if (!usec || *usec == 0) return std::nullopt;
  // systemd sets WATCHDOG_PID to the main process; a child that inherited the variable must not
  // ping for it.
  if (auto pid = env_number("WATCHDOG_PID"); pid && *pid != static_cast<unsigned>(getpid()))
    return std::nullopt;
  return std::chrono::microseconds(*usec / 2);
}

uint64_t monotonic_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

}  // namespace

ServiceNotifier ServiceNotifier::from_environment() {
  ServiceNotifier n;
  const char* socket_name = std::getenv("NOTIFY_SOCKET");
  if (socket_name == nullptr || *socket_name == '\0') return n;
  const std::string_view name(socket_name);
  if ((name[0] != '/' && name[0] != '@') || name.size() >= sizeof(n.address_.sun_path)) {
    spdlog::warn(
        "NOTIFY_SOCKET='{}': expected an absolute path or @abstract name shorter than {} "
        "bytes; not notifying the service manager",
        name, sizeof(n.address_.sun_path));
    return n;
  }
  n.address_.sun_family = AF_UNIX;
  std::memcpy(n.address_.sun_path, name.data(), name.size());
  // An abstract name starts with a NUL byte and has no terminating one: its length is the size.
  if (name[0] == '@') n.address_.sun_path[0] = '\0';
  n.address_size_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  // Non-blocking: a service manager that stops reading must never stall the event loop.
  n.fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (n.fd_ < 0) {
    spdlog::warn("NOTIFY_SOCKET={}: socket: {}; not notifying the service manager", name,
                 std::strerror(errno));
    return n;
  }
  n.watchdog_interval_ = watchdog_from_environment();
  return n;
}

ServiceNotifier::~ServiceNotifier() {
  if (fd_ >= 0) ::close(fd_);
}

ServiceNotifier::ServiceNotifier(ServiceNotifier&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      address_(other.address_),
      address_size_(other.address_size_),
      watchdog_interval_(std::exchange(other.watchdog_interval_, std::nullopt)),
      last_status_(std::move(other.last_status_)),
      send_failed_(other.send_failed_) {}

ServiceNotifier& ServiceNotifier::operator=(ServiceNotifier&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    address_ = other.address_;
    address_size_ = other.address_size_;
    watchdog_interval_ = std::exchange(other.watchdog_interval_, std::nullopt);
    last_status_ = std::move(other.last_status_);
    send_failed_ = other.send_failed_;
  }
  return *this;
}

void ServiceNotifier::ready() const {
  send("READY=1");
}

void ServiceNotifier::reloading() const {
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec()));
}

void ServiceNotifier::stopping() const {
  send("STOPPING=1");
}

void ServiceNotifier::status(std::string_view text) {
  if (!enabled() || text == last_status_) return;
  last_status_ = text;
  // One line: a newline would start a new KEY=value assignment.
  std::string line(text);
  for (char& c : line)
    if (c == '\n') c = ' ';
  send("STATUS=" + line);
}

void ServiceNotifier::watchdog() const {
  if (watchdog_interval_) send("WATCHDOG=1");
}

void ServiceNotifier::send(std::string_view message) const {
  if (fd_ < 0) return;
  ssize_t n = ::sendto(fd_, message.data(), message.size(), MSG_NOSIGNAL,
                       reinterpret_cast<const sockaddr*>(&address_), address_size_);
  if (n >= 0 || send_failed_) return;
  send_failed_ = true;
  spdlog::warn("notifying the service manager failed: {} (further failures are not logged)",
               std::strerror(errno));
}

}  // namespace flowlens::daemon
