// SPDX-License-Identifier: BSD-2-Clause
#include "message.h"

namespace flowlens::http {

Response plain_text_error(boost::beast::http::status status, std::string_view message) {
  Response res{status, 11};
  res.set(boost::beast::http::field::content_type, "text/plain; charset=utf-8");
  res.set(boost::beast::http::field::cache_control, "no-store");
  res.body() = SharedText::of(std::string(message) + "\n");
  res.content_length(res.body().text.size());
  return res;
}

}  // namespace flowlens::http
