/* SPDX-License-Identifier: BSD-2-Clause */
// A deliberately dumb HTTP/1.1 client on raw POSIX sockets: it sends exactly the bytes a test
// writes (malformed ones included) and every wait is bounded by poll() with a deadline.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace flowlens::http::testing {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class TestConnection {
 public:
  // Connects to host:port (an IPv4 or IPv6 literal); is_open() says whether it worked.
  TestConnection(const std::string& host, unsigned short port);
  ~TestConnection();
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  bool is_open() const { return fd_ >= 0; }
  bool send(const std::string& bytes);
  // Reads one response (Content-Length framed; `head` for a HEAD request). nullopt on timeout,
  // close or garbage.
  std::optional<HttpReply> read_reply(std::chrono::milliseconds timeout, bool head = false);
  // True when the server closes (EOF or reset) within `timeout`; bytes received meanwhile are
  // dropped.
  bool closed_within(std::chrono::milliseconds timeout);

 private:
  enum class Wait { kData, kClosed, kTimeout };
  // Waits for bytes until `deadline` and appends one read of them to buffer_.
  Wait receive(std::chrono::steady_clock::time_point deadline);
  // receive() that only cares whether bytes came.
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
std::optional<HttpReply> get(const std::string& host, unsigned short port,
                             const std::string& target, const std::string& token = {});

std::string request(const std::string& method, const std::string& target,
                    const std::string& token = {}, const std::string& extra_headers = {});

}  // namespace flowlens::http::testing
