/* SPDX-License-Identifier: BSD-2-Clause */
// Loopback sockets for the tests: a UDP receiver that collects datagrams with a bounded wait,
// a TCP listener, and a free port number.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowlens::statsd::testing {

class Socket {
 public:
  // Bound to 127.0.0.1:port (0 = the kernel picks) or [::1]:port.
  Socket(int type, uint16_t port = 0, bool ipv6 = false) {
    fd_ = ::socket(ipv6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    const int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (type == SOCK_DGRAM) {
      // A push of 1,000 servers arrives as one burst; the default buffer (rmem_default) holds
      // about a hundred datagrams. Root may exceed rmem_max (FORCE); others get what it allows.
      const int bytes = 8 << 20;
      if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
      }
    }
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (ipv6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      a->sin6_family = AF_INET6;
      a->sin6_addr = in6addr_loopback;
      a->sin6_port = htons(port);
      len = sizeof *a;
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a->sin_port = htons(port);
      len = sizeof *a;
    }
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
      ::close(fd_);
      throw std::runtime_error("bind to loopback port " + std::to_string(port) + " failed");
    }
    socklen_t got = sizeof ss;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &got);
    port_ = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                       : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  int fd() const { return fd_; }
  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Next datagram (or stream bytes), or nullopt when nothing came within `wait`.
  std::optional<std::string> receive(std::chrono::milliseconds wait = std::chrono::seconds(5)) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return std::nullopt;
    std::string buf(70000, '\0');
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n < 0) return std::nullopt;
    buf.resize(static_cast<std::size_t>(n));
    return buf;
  }

  // Every datagram until none comes for `quiet`.
  std::vector<std::string> drain(std::chrono::milliseconds quiet = std::chrono::milliseconds(300)) {
    std::vector<std::string> out;
    while (auto d = receive(quiet)) out.push_back(*d);
    return out;
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A port that was free a moment ago (for daemons that cannot be told to pick one themselves).
inline uint16_t free_port(int type) {
  return Socket(type).port();
}

}  // namespace flowlens::statsd::testing
