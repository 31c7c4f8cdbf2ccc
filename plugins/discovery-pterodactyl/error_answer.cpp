// SPDX-License-Identifier: BSD-2-Clause
#include "error_answer.h"

#include <boost/json.hpp>

namespace flowlens::discovery_pterodactyl {

namespace json = boost::json;

namespace {

// A detail is the panel's sentence; anything longer is not one and is cut.
constexpr size_t kMaxDetail = 200;

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, kMaxDetail)) out += (c >= 0x20 && c != 0x7f) ? c : ' ';
  if (s.size() > kMaxDetail) out += "...";
  return out;
}

std::string first_error(std::string_view body) {
  boost::system::error_code ec;
  const json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return {};
  const json::value* errors = doc.get_object().if_contains("errors");
  if (errors == nullptr || !errors->is_array() || errors->get_array().empty()) return {};
  const json::value& e = errors->get_array()[0];
  if (!e.is_object()) return {};
  std::string out;
  if (const json::value* d = e.get_object().if_contains("detail"); d && d->is_string())
    out = printable(d->get_string());
  if (const json::value* c = e.get_object().if_contains("code"); c && c->is_string())
    out += (out.empty() ? "" : " ") + ("(" + printable(c->get_string()) + ")");
  return out;
}

}  // namespace

std::string describe_error_answer(long status, std::string_view body) {
  const std::string what = first_error(body);
  return "HTTP " + std::to_string(status) + (what.empty() ? "" : ": " + what);
}

std::string status_hint(long status) {
  switch (status) {
    case 401:
      return "the API key is not valid for this panel (revoked, mistyped, or a client key)";
    case 403:
      return "the API key may not read this resource (give it Servers, Nodes and Allocations: "
             "Read)";
    case 404:
      return "no Application API at this URL (is `url` the panel's address?)";
    case 429:
      return "the panel's rate limit is used up (it is shared by every key of the same user)";
    default:
      return status >= 500 ? "the panel failed; it is retried at the next interval" : "";
  }
}

}  // namespace flowlens::discovery_pterodactyl
