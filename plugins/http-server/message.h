/* SPDX-License-Identifier: BSD-2-Clause */
// What a handler sees and returns: a Beast request with a string body, and a response whose body
// is a slice of an immutable, shared string (rendered once, sent to many clients without a copy).
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/optional.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace flowlens::http {

struct SharedText {
  std::shared_ptr<const void> owner;  // keeps `text` alive while a response is in flight
  std::string_view text;

  static SharedText of(std::string s) {
    auto owned = std::make_shared<const std::string>(std::move(s));
    return {owned, *owned};
  }
};

struct SharedBody {
  using value_type = SharedText;

  static std::uint64_t size(const value_type& v) { return v.text.size(); }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool kIsRequest, class Fields>
    writer(const boost::beast::http::header<kIsRequest, Fields>&, const value_type& body)
        : body_(body) {}

    void init(boost::system::error_code& ec) { ec = {}; }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::system::error_code& ec) {
      ec = {};
      if (body_.text.empty()) return boost::none;
      return std::pair{const_buffers_type(body_.text.data(), body_.text.size()), false};
    }

   private:
    const value_type& body_;
  };
};

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<SharedBody>;

// The whole application: one request in, one response out. Called on the server's threads, so
// it must be thread-safe; an exception becomes a 500 from ErrorResponder.
using Handler = std::function<Response(const Request&)>;

// The response the server itself sends for what never reaches the handler (a malformed or
// oversized request, too many connections, a handler that threw): the application chooses its
// format (JSON for the API, plain text for /metrics).
using ErrorResponder =
    std::function<Response(boost::beast::http::status, std::string_view message)>;

// Where the server's own lines go (host_log.h makes one from the host's log).
enum class LogLevel { kDebug, kInfo, kWarn, kError };
using LogFn = std::function<void(LogLevel, std::string_view)>;

// A text/plain error: "message\n".
Response plain_text_error(boost::beast::http::status status, std::string_view message);

// The path of a request target, without query or fragment.
inline std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

}  // namespace flowlens::http
