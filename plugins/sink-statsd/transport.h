/* SPDX-License-Identifier: BSD-2-Clause */
// Sockets that never hold the delivery thread for long. UDP: a non-blocking connected socket (so
// an ICMP "port unreachable" comes back as an error on the next send); a full send buffer drops
// the rest of the push instead of waiting. TCP: non-blocking connect and writes, each push
// bounded by one deadline; any incomplete write closes the connection, so StatsD never sees half
// a line glued to the next push's.
#pragma once

#include "resolver.h"

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace flowlens::statsd {

struct SendOutcome {
  std::size_t datagrams = 0;  // datagrams (UDP) or writes (TCP) that went out whole
  std::size_t bytes = 0;
  std::string error;  // empty when everything went out
  bool ok() const { return error.empty(); }
};

// Owns one file descriptor; -1 when closed.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.release();
    }
    return *this;
  }
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset();

 private:
  int fd_ = -1;
};

class UdpSender {
 public:
  SendOutcome send(const SocketAddress& to, const std::vector<std::string>& datagrams);
  void close() { fd_.reset(); }

 private:
  UniqueFd fd_;
  std::string connected_to_;
};

class TcpSender {
 public:
  explicit TcpSender(std::chrono::milliseconds timeout) : timeout_(timeout) {}
  // Connects when needed and writes `stream`, all within the timeout.
  SendOutcome send(const SocketAddress& to, const std::string& stream);
  void close() { fd_.reset(); }

 private:
  std::string connect(const SocketAddress& to, std::chrono::steady_clock::time_point deadline);
  bool peer_closed() const;

  const std::chrono::milliseconds timeout_;
  UniqueFd fd_;
  std::string connected_to_;
};

}  // namespace flowlens::statsd
