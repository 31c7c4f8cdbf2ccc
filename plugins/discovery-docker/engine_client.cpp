// SPDX-License-Identifier: BSD-2-Clause
#include "engine_client.h"

#include "event_lines.h"

#include <stdexcept>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

namespace flowlens::discovery_docker {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Protocol = asio::generic::stream_protocol;
using Stream = beast::basic_stream<Protocol>;
using asio::use_awaitable;

[[noreturn]] void fail(const DockerHost& host, std::string_view target, std::string_view step,
                       const boost::system::error_code& ec) {
  std::string why = ec == beast::error::timeout ? std::string("timed out") : ec.message();
  throw std::runtime_error(host.uri + " " + std::string(target) + ": " + std::string(step) + ": " +
                           why);
}

asio::awaitable<void> connect(Stream& stream, const DockerHost& host, std::string_view target) {
  boost::system::error_code ec;
  auto token = asio::redirect_error(use_awaitable, ec);
  if (host.kind == DockerHost::Kind::kUnix) {
    co_await stream.async_connect(
        Protocol::endpoint(asio::local::stream_protocol::endpoint(host.path)), token);
    if (ec) fail(host, target, "connect to " + host.path, ec);
    co_return;
  }
  asio::ip::tcp::resolver resolver(stream.get_executor());
  auto results = co_await resolver.async_resolve(host.host, std::to_string(host.port), token);
  if (ec) fail(host, target, "resolve " + host.host, ec);
  for (const auto& entry : results) {
    stream.socket().close(ec);
    ec.clear();
    co_await stream.async_connect(Protocol::endpoint(entry.endpoint()), token);
    if (!ec) co_return;
  }
  fail(host, target, "connect", ec ? ec : asio::error::host_not_found);
}

http::request<http::empty_body> make_request(const DockerHost& host, const std::string& target) {
  http::request<http::empty_body> req{http::verb::get, target, 11};
  // The engine ignores Host over a unix socket but HTTP/1.1 requires one.
  req.set(http::field::host, host.kind == DockerHost::Kind::kUnix ? "docker" : host.host);
  req.set(http::field::user_agent, "flowlens-discovery-docker");
  req.set(http::field::accept, "application/json");
  return req;
}

}  // namespace

EngineClient::EngineClient(asio::any_io_executor executor, DockerHost host, EngineLimits limits)
    : executor_(std::move(executor)), host_(std::move(host)), limits_(limits) {}

asio::awaitable<EngineAnswer> EngineClient::get(std::string target) const {
  Stream stream(executor_);
  stream.expires_after(limits_.request_timeout);
  co_await connect(stream, host_, target);
  boost::system::error_code ec;
  auto token = asio::redirect_error(use_awaitable, ec);
  auto req = make_request(host_, target);
  req.keep_alive(false);
  co_await http::async_write(stream, req, token);
  if (ec) fail(host_, target, "write", ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(limits_.max_answer_bytes);
  co_await http::async_read(stream, buffer, parser, token);
  if (ec == http::error::body_limit) {
    throw std::runtime_error(host_.uri + " " + target + ": answer larger than " +
                             std::to_string(limits_.max_answer_bytes) + " bytes");
  }
  if (ec) fail(host_, target, "read", ec);
  auto& res = parser.get();
  EngineAnswer out;
  out.status = res.result_int();
  out.api_version = std::string(res["Api-Version"]);
  out.body = std::move(res.body());
  stream.socket().shutdown(Protocol::socket::shutdown_both, ec);
  co_return out;
}

asio::awaitable<boost::json::value> EngineClient::get_json(std::string target) const {
  EngineAnswer answer = co_await get(target);
  if (answer.status != 200) {
    std::string body = answer.body.substr(0, 200);
    throw std::runtime_error(host_.uri + " " + target + ": HTTP " + std::to_string(answer.status) +
                             (body.empty() ? "" : ": " + body));
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(answer.body, ec);
  if (ec) {
    throw std::runtime_error(host_.uri + " " + target + ": answer is not JSON (" + ec.message() +
                             ")");
  }
  co_return v;
}

asio::awaitable<void> EngineClient::stream_lines(
    std::string target, std::function<void()> on_open,
    std::function<void(std::string_view)> on_line) const {
  Stream stream(executor_);
  stream.expires_after(limits_.stream_open_timeout);
  co_await connect(stream, host_, target);
  boost::system::error_code ec;
  auto token = asio::redirect_error(use_awaitable, ec);
  auto req = make_request(host_, target);
  co_await http::async_write(stream, req, token);
  if (ec) fail(host_, target, "write", ec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);  // the stream is unbounded; each line is bounded below
  co_await http::async_read_header(stream, buffer, parser, token);
  if (ec) fail(host_, target, "read header", ec);
  if (parser.get().result_int() != 200) {
    throw std::runtime_error(host_.uri + " " + target + ": HTTP " +
                             std::to_string(parser.get().result_int()));
  }
  stream.expires_never();
  on_open();
  std::string& body = parser.get().body();
  while (!parser.is_done()) {
    co_await http::async_read_some(stream, buffer, parser, token);
    if (ec == http::error::end_of_stream || ec == asio::error::eof) break;
    if (ec) fail(host_, target, "read", ec);
    body.erase(0, take_event_lines(body, on_line));
    if (body.size() > limits_.max_event_line_bytes) {
      throw std::runtime_error(host_.uri + " " + target + ": an event line exceeds " +
                               std::to_string(limits_.max_event_line_bytes) + " bytes");
    }
  }
}

}  // namespace flowlens::discovery_docker
