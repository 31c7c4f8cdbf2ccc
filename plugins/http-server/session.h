/* SPDX-License-Identifier: BSD-2-Clause */
// One HTTP/1.1 connection, plain or TLS: (TLS: handshake within the read timeout,) wait (idle
// timeout), read one request (read timeout, header and body limits), answer it through the
// handler, write (write timeout), repeat up to the keep-alive cap.
#pragma once

#include "auth_failures.h"
#include "message.h"
#include "options.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

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

using PlainStream = boost::beast::tcp_stream;
using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  // The caller has already counted this session in shared->active; the destructor uncounts it.
  // `tls` is the context a TLS session handshakes with (kept alive as long as the connection).
  Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<SessionShared> shared,
          std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void run();

 private:
  void handshake();
  void on_handshake(boost::beast::error_code ec);
  // Plain HTTP sent to a TLS port: one plain-text 400 saying so, then close.
  void refuse_plain_http();
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
  boost::beast::tcp_stream& tcp() { return boost::beast::get_lowest_layer(stream_); }

  std::shared_ptr<boost::asio::ssl::context> tls_;  // before stream_, which refers to it
  Stream stream_;
  boost::asio::ip::address remote_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<SessionShared> shared_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  // Requests are answered one at a time, in order: the pipelining queue depth is 1, and any
  // pipelined bytes wait in buffer_, which the parser's limits bound.
  Response response_;
  std::string refusal_;  // the bytes of refuse_plain_http, alive until written
  std::size_t served_ = 0;
  std::size_t lingered_bytes_ = 0;
};

extern template class Session<PlainStream>;
extern template class Session<TlsStream>;

}  // namespace flowlens::http
