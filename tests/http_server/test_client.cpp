// SPDX-License-Identifier: BSD-2-Clause
#include "test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

namespace flowlens::http::testing {

TestConnection::TestConnection(const std::string& host, unsigned short port) {
  sockaddr_storage addr{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof *v6;
  } else {
    return;
  }
  fd_ = ::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  // Loopback connects complete or fail at once; no timeout needed here.
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

TestConnection::~TestConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool TestConnection::send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

TestConnection::Wait TestConnection::receive(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Wait::kTimeout;
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return Wait::kTimeout;
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Wait::kClosed;  // EOF or reset
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return Wait::kData;
  }
}

bool TestConnection::fill(std::chrono::steady_clock::time_point deadline) {
  return receive(deadline) == Wait::kData;
}

std::optional<HttpReply> TestConnection::read_reply(std::chrono::milliseconds timeout, bool head) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t end = 0;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) return std::nullopt;
  }
  HttpReply reply;
  const std::string head_text = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  if (head_text.size() < 12 || head_text.compare(0, 5, "HTTP/") != 0) return std::nullopt;
  reply.status = std::atoi(head_text.c_str() + 9);
  std::size_t pos = head_text.find("\r\n");
  while (pos != std::string::npos && pos < head_text.size()) {
    const std::size_t next = head_text.find("\r\n", pos + 2);
    const std::string line =
        head_text.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    const std::size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      std::size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      reply.headers[name] = line.substr(v);
    }
    pos = next;
  }
  const std::size_t length =
      head ? 0 : static_cast<std::size_t>(std::atoll(reply.headers["content-length"].c_str()));
  while (buffer_.size() < length) {
    if (!fill(deadline)) return std::nullopt;
  }
  reply.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return reply;
}

bool TestConnection::closed_within(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Wait w;
  while ((w = receive(deadline)) == Wait::kData) buffer_.clear();
  return w == Wait::kClosed;
}

std::string request(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& extra_headers) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
  if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
  return r + extra_headers + "\r\n";
}

std::optional<HttpReply> get(const std::string& host, unsigned short port,
                             const std::string& target, const std::string& token) {
  TestConnection c(host, port);
  if (!c.is_open() || !c.send(request("GET", target, token))) return std::nullopt;
  return c.read_reply(std::chrono::seconds(5));
}

}  // namespace flowlens::http::testing
