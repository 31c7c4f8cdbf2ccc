/* SPDX-License-Identifier: BSD-2-Clause */
// A misbehaving Docker Engine on 127.0.0.1: each request's target picks a raw answer (which may
// be malformed, truncated, huge, slow or never sent). For the client's failure paths only; the
// behaviour against a real engine is dockerd_test.cpp's.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace flowlens::discovery_docker::testing {

struct FakeReply {
  std::string raw;         // bytes sent as they are (status line, headers, body)
  bool hold_open = false;  // after `raw`, keep the connection open and silent until shutdown
};

class FakeEngine {
 public:
  using Handler = std::function<FakeReply(const std::string& target)>;

  explicit FakeEngine(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listen_fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~FakeEngine() {
    stopping_ = true;
    acceptor_.join();
    {
      std::lock_guard lock(mu_);
      for (int fd : conns_) shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : workers_) t.join();
    for (int fd : conns_) close(fd);
    close(listen_fd_);
  }

  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

  static FakeReply json(const std::string& body, const std::string& extra_headers = "") {
    return {"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extra_headers +
            "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body};
  }
  static FakeReply ping() { return json("OK", "Api-Version: 1.41\r\n"); }
  static FakeReply version() {
    return json(R"({"ApiVersion":"1.41","MinAPIVersion":"1.12","Version":"20.10.24"})");
  }
  // A chunked /events answer carrying `chunks` as they are, then silent.
  static FakeReply event_stream(const std::vector<std::string>& chunks) {
    std::string raw =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    for (const auto& c : chunks) {
      char size[32];
      snprintf(size, sizeof size, "%zx\r\n", c.size());
      raw += size + c + "\r\n";
    }
    return {raw, true};
  }

 private:
  void accept_loop() {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (poll(&p, 1, 20) <= 0) continue;
      int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::lock_guard lock(mu_);
      conns_.push_back(fd);
      workers_.emplace_back([this, fd] { serve(fd); });
    }
  }
  void serve(int fd) {
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) return;
      request.append(buf, n);
    }
    ++requests_;
    const size_t sp1 = request.find(' ');
    const std::string target = request.substr(sp1 + 1, request.find(' ', sp1 + 1) - sp1 - 1);
    FakeReply reply = handler_(target);
    for (size_t off = 0; off < reply.raw.size();) {
      ssize_t n = send(fd, reply.raw.data() + off, reply.raw.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;  // the client gave up (answer too big): fine
      off += n;
    }
    if (reply.hold_open) {
      while (read(fd, buf, sizeof buf) > 0) {
      }
      return;
    }
    shutdown(fd, SHUT_WR);
  }

  Handler handler_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  std::vector<int> conns_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace flowlens::discovery_docker::testing
