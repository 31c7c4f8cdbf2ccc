/* SPDX-License-Identifier: BSD-2-Clause */
// One HTTP/1.1 connection: wait (idle timeout), read one request (read timeout, header and body
// limits), answer it through the handler, write (write timeout), repeat up to the keep-alive cap.
#pragma once

#include "auth_failures.h"
#include "message.h"
#include "options.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace flowlens::http {

// Shared by the listener and every session; outlives all of them.
struct SessionShared {
  Limits limits;
  Handler handler;
  ErrorResponder error;
  std::string name;  // the server's, for log lines
  LogFn log;
  std::unique_ptr<AuthFailures> auth_failures;
  std::atomic<std::size_t> active{0};     // sessions alive, against limits.max_connections
  std::atomic<std::uint64_t> refused{0};  // connections answered 503 for being over the limit
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // The caller has already counted this session in shared->active; the destructor uncounts it.
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<SessionShared> shared);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void run();

 private:
  void wait_for_request();
  void on_first_bytes(boost::beast::error_code ec, std::size_t n);
  void read_request();
  void on_read(boost::beast::error_code ec, std::size_t n);
  // 429 while this client's address is blocked for failed authentications; false: go on.
  bool refused_for_auth_failures();
  // Counts a 401 against the client's address; logs once when that starts a block.
  void count_auth_failure();
  void send(Response response);
  void on_write(boost::beast::error_code ec, std::size_t n);
  // After an error response: stop sending, then drain briefly so the client reads the answer
  // instead of a reset caused by the request bytes we never read.
  void linger();
  void on_linger(boost::beast::error_code ec, std::size_t n);

  boost::beast::tcp_stream stream_;
  boost::asio::ip::address remote_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<SessionShared> shared_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  // Requests are answered one at a time, in order: the pipelining queue depth is 1, and any
  // pipelined bytes wait in buffer_, which the parser's limits bound.
  Response response_;
  std::size_t served_ = 0;
  std::size_t lingered_bytes_ = 0;
};

}  // namespace flowlens::http
