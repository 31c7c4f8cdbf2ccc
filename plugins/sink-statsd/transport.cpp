// SPDX-License-Identifier: BSD-2-Clause
#include "transport.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace flowlens::statsd {
namespace {

std::string errno_text(const char* step, int err) {
  return std::string(step) + ": " + std::strerror(err);
}

UniqueFd open_socket(const SocketAddress& to, int type) {
  return UniqueFd(::socket(to.storage.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
}

// Milliseconds left until `deadline` for poll(), at least 0.
int millis_left(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits until `fd` is writable or the deadline passes; false on timeout.
bool wait_writable(int fd, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, POLLOUT, 0};
    const int rc = ::poll(&p, 1, millis_left(deadline));
    if (rc > 0) return true;
    if (rc == 0) return false;
    if (errno != EINTR) return false;
  }
}

}  // namespace

void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

SendOutcome UdpSender::send(const SocketAddress& to, const std::vector<std::string>& datagrams) {
  SendOutcome out;
  if (!fd_ || connected_to_ != to.text) {
    fd_ = open_socket(to, SOCK_DGRAM);
    if (!fd_) return {0, 0, errno_text("socket", errno)};
    if (::connect(fd_.get(), to.get(), to.length) != 0) {
      const int err = errno;
      fd_.reset();
      return {0, 0, errno_text(("connect to " + to.text).c_str(), err)};
    }
    connected_to_ = to.text;
  }
  for (const std::string& d : datagrams) {
    // ECONNREFUSED reports an earlier datagram that met a closed port (ICMP), not this one:
    // this one was not sent, so it gets one more try. The push still counts as failed.
    for (int attempt = 0; attempt < 2; ++attempt) {
      ssize_t n = -1;
      do {
        n = ::send(fd_.get(), d.data(), d.size(), MSG_NOSIGNAL);
      } while (n < 0 && errno == EINTR);
      if (n >= 0) {
        ++out.datagrams;
        out.bytes += d.size();
        break;
      }
      const int err = errno;
      out.error = errno_text(("send to " + to.text).c_str(), err);
      // EAGAIN: the socket buffer is full; waiting would hold the delivery thread, so the rest
      // of this push is dropped.
      if (err != ECONNREFUSED || attempt == 1) return out;
    }
  }
  return out;
}

bool TcpSender::peer_closed() const {
  char byte = 0;
  const ssize_t n = ::recv(fd_.get(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  // 0: orderly close (StatsD restarted); an error other than "nothing to read": reset.
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

std::string TcpSender::connect(const SocketAddress& to,
                               std::chrono::steady_clock::time_point deadline) {
  fd_ = open_socket(to, SOCK_STREAM);
  if (!fd_) return errno_text("socket", errno);
  if (::connect(fd_.get(), to.get(), to.length) != 0 && errno != EINPROGRESS) {
    const int err = errno;
    fd_.reset();
    return errno_text(("connect to " + to.text).c_str(), err);
  }
  if (!wait_writable(fd_.get(), deadline)) {
    fd_.reset();
    return "connect to " + to.text + ": no answer within " + std::to_string(timeout_.count()) +
           " ms";
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    fd_.reset();
    return errno_text(("connect to " + to.text).c_str(), err);
  }
  connected_to_ = to.text;
  return {};
}

SendOutcome TcpSender::send(const SocketAddress& to, const std::string& stream) {
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  if (fd_ && (connected_to_ != to.text || peer_closed())) fd_.reset();
  if (!fd_) {
    if (std::string error = connect(to, deadline); !error.empty()) return {0, 0, error};
  }
  std::size_t sent = 0;
  while (sent < stream.size()) {
    const ssize_t n =
        ::send(fd_.get(), stream.data() + sent, stream.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    const int err = n < 0 ? errno : EIO;
    if (err == EINTR) continue;
    const bool would_block = err == EAGAIN || err == EWOULDBLOCK;
    if (would_block && wait_writable(fd_.get(), deadline)) continue;
    const std::string error = would_block
                                  ? "send to " + to.text + ": StatsD took " + std::to_string(sent) +
                                        " of " + std::to_string(stream.size()) + " bytes within " +
                                        std::to_string(timeout_.count()) + " ms"
                                  : errno_text(("send to " + to.text).c_str(), err);
    fd_.reset();  // a partial line must not be completed by the next push's bytes
    return {0, 0, error};
  }
  return {1, stream.size(), {}};
}

}  // namespace flowlens::statsd
