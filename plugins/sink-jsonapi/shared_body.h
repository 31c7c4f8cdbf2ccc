// A Beast body that sends a slice of an immutable, shared string without copying it: the list
// of 1,000 servers is rendered once per snapshot and every response points into it.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace flowlens::jsonapi {

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

}  // namespace flowlens::jsonapi
