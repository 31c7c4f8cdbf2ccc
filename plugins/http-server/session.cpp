// SPDX-License-Identifier: BSD-2-Clause
#include "session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <array>
#include <exception>
#include <sstream>

namespace flowlens::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = boost::asio::ssl;

// Bytes asked of the socket while waiting for a request's first bytes.
constexpr std::size_t kFirstReadBytes = 4096;
// Lingering close: how long and how much of an abandoned request we read and throw away.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::size_t kLingerBytes = 64 * 1024;
static_assert(kFirstReadBytes > 0 && kLingerBytes >= kFirstReadBytes);

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category();
}

// OpenSSL's own diagnosis of a handshake that began "GET / HTTP/1.1".
bool is_plain_http(const beast::error_code& ec) {
  return ec.category() == boost::asio::error::get_ssl_category() &&
         ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_HTTP_REQUEST;
}

template <class Stream>
Stream make_stream(boost::asio::ip::tcp::socket socket, ssl::context* tls) {
  if constexpr (Session<Stream>::kTls) {
    return Stream(beast::tcp_stream(std::move(socket)), *tls);
  } else {
    (void)tls;
    return Stream(std::move(socket));
  }
}

}  // namespace

template <class Stream>
Session<Stream>::Session(boost::asio::ip::tcp::socket socket, std::shared_ptr<SessionShared> shared,
                         std::shared_ptr<ssl::context> tls)
    : tls_(std::move(tls)),
      stream_(make_stream<Stream>(std::move(socket), tls_.get())),
      shared_(std::move(shared)) {
  beast::error_code ec;
  remote_ = client_address(tcp().socket().remote_endpoint(ec).address());
}

template <class Stream>
Session<Stream>::~Session() {
  shared_->active.fetch_sub(1, std::memory_order_relaxed);
}

template <class Stream>
void Session<Stream>::run() {
  // The socket was accepted onto this session's strand; start there.
  if constexpr (kTls) {
    boost::asio::dispatch(tcp().get_executor(),
                          beast::bind_front_handler(&Session::handshake, this->shared_from_this()));
  } else {
    boost::asio::dispatch(
        tcp().get_executor(),
        beast::bind_front_handler(&Session::wait_for_request, this->shared_from_this()));
  }
}

template <class Stream>
void Session<Stream>::handshake() {
  if constexpr (kTls) {
    // A client that connects and never says hello is a slow request.
    tcp().expires_after(shared_->limits.read_timeout);
    stream_.async_handshake(
        ssl::stream_base::server,
        beast::bind_front_handler(&Session::on_handshake, this->shared_from_this()));
  }
}

template <class Stream>
void Session<Stream>::on_handshake(beast::error_code ec) {
  if (is_plain_http(ec)) return refuse_plain_http();
  if (ec) return;  // timeout, a client that gave up, no common cipher: the socket closes with us
  wait_for_request();
}

template <class Stream>
void Session<Stream>::refuse_plain_http() {
  Response response =
      shared_->error(bhttp::status::bad_request, "this port speaks HTTPS: use https://");
  response.keep_alive(false);
  response.prepare_payload();
  std::ostringstream out;
  out << response;
  refusal_ = out.str();
  tcp().expires_after(shared_->limits.write_timeout);
  boost::asio::async_write(tcp(), boost::asio::buffer(refusal_),
                           [self = this->shared_from_this()](beast::error_code, std::size_t) {
                             beast::error_code ignored;
                             self->tcp().socket().shutdown(
                                 boost::asio::ip::tcp::socket::shutdown_both, ignored);
                           });
}

template <class Stream>
void Session<Stream>::wait_for_request() {
  if (buffer_.size() > 0) return read_request();  // a pipelined request is already here
  tcp().expires_after(shared_->limits.idle_timeout);
  stream_.async_read_some(
      buffer_.prepare(kFirstReadBytes),
      beast::bind_front_handler(&Session::on_first_bytes, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::on_first_bytes(beast::error_code ec, std::size_t n) {
  buffer_.commit(n);
  if (ec) return;  // idle timeout, peer closed, or shutdown: the socket closes with us
  read_request();
}

template <class Stream>
void Session<Stream>::read_request() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(shared_->limits.max_header_bytes));
  parser_->body_limit(shared_->limits.max_body_bytes);
  tcp().expires_after(shared_->limits.read_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&Session::on_read, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::on_read(beast::error_code ec, std::size_t) {
  // A request we could not parse ends the connection: what follows it cannot be trusted.
  const auto refuse = [this](bhttp::status status, std::string_view message) {
    Response response = shared_->error(status, message);
    response.keep_alive(false);
    send(std::move(response));
  };
  if (ec == bhttp::error::header_limit) {
    return refuse(bhttp::status::request_header_fields_too_large, "request header too large");
  }
  if (ec == bhttp::error::body_limit) {
    return refuse(bhttp::status::payload_too_large, "request body too large");
  }
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return;
  if (is_http_error(ec)) return refuse(bhttp::status::bad_request, "malformed request");
  if (ec) return;  // timeout (tcp_stream already closed the socket) or a socket error

  ++served_;
  const Request request = parser_->release();
  if (refused_for_auth_failures()) return;
  Response response;
  try {
    response = shared_->handler(request);
  } catch (const std::exception&) {
    response = shared_->error(bhttp::status::internal_server_error, "internal error");
  }
  if (response.result() == bhttp::status::unauthorized) count_auth_failure();
  response.version(request.version());
  response.keep_alive(request.keep_alive() && served_ < shared_->limits.max_keepalive_requests);
  send(std::move(response));
}

template <class Stream>
bool Session<Stream>::refused_for_auth_failures() {
  if (!shared_->auth_failures) return false;
  const auto wait = shared_->auth_failures->blocked(remote_, std::chrono::steady_clock::now());
  if (!wait) return false;
  Response response =
      shared_->error(bhttp::status::too_many_requests, "too many failed authentications");
  response.set(bhttp::field::retry_after, std::to_string(wait->count()));
  response.keep_alive(false);
  send(std::move(response));
  return true;
}

template <class Stream>
void Session<Stream>::count_auth_failure() {
  if (!shared_->auth_failures ||
      !shared_->auth_failures->failed(remote_, std::chrono::steady_clock::now()))
    return;
  const auto window = std::chrono::ceil<std::chrono::seconds>(shared_->limits.auth_failure_window);
  shared_->log(LogLevel::kWarn,
               shared_->name + ": " + std::to_string(shared_->limits.max_auth_failures) +
                   " failed authentications from " + remote_.to_string() + " within " +
                   std::to_string(window.count()) + " s: answering 429 to it for " +
                   std::to_string(window.count()) + " s");
}

template <class Stream>
void Session<Stream>::send(Response response) {
  response_ = std::move(response);
  tcp().expires_after(shared_->limits.write_timeout);
  bhttp::async_write(stream_, response_,
                     beast::bind_front_handler(&Session::on_write, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::on_write(beast::error_code ec, std::size_t) {
  if (ec) return;
  const bool error_close = response_.result_int() >= 400 && !response_.keep_alive();
  if (response_.keep_alive()) return wait_for_request();
  if constexpr (kTls) {
    // close_notify, bounded: a client that never answers it only costs the write timeout.
    tcp().expires_after(shared_->limits.write_timeout);
    stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
  } else {
    beast::error_code ignored;
    tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
    if (error_close) linger();
  }
}

template <class Stream>
void Session<Stream>::linger() {
  buffer_.clear();
  tcp().expires_after(kLingerTime);
  tcp().async_read_some(buffer_.prepare(kFirstReadBytes),
                        beast::bind_front_handler(&Session::on_linger, this->shared_from_this()));
}

template <class Stream>
void Session<Stream>::on_linger(beast::error_code ec, std::size_t n) {
  lingered_bytes_ += n;
  if (ec || lingered_bytes_ >= kLingerBytes) return;
  linger();
}

template class Session<PlainStream>;
template class Session<TlsStream>;

}  // namespace flowlens::http
