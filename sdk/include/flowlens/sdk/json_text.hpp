// SPDX-License-Identifier: BSD-2-Clause
// JSON text for people as well as parsers: Boost.JSON writes every double in exponent form
// ("4.8029E1"), which is valid but reads as a bug to an operator running curl. This writes doubles
// as plain decimals with at most three digits after the point (whole numbers without one), and
// everything else as Boost.JSON does.
#pragma once

#include <boost/json.hpp>

#include <cmath>
#include <cstdio>
#include <string>

namespace flowlens::sdk {

namespace detail {

inline void append_json_text(std::string& out, const boost::json::value& v) {
  if (v.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [key, child] : v.get_object()) {
      if (!first) out += ',';
      out += boost::json::serialize(boost::json::string(key));
      out += ':';
      append_json_text(out, child);
      first = false;
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& child : v.get_array()) {
      if (!first) out += ',';
      append_json_text(out, child);
      first = false;
    }
    out += ']';
  } else if (v.is_double() && std::isfinite(v.get_double())) {
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%.3f", v.get_double());
    std::string text(buf, n > 0 ? static_cast<size_t>(n) : 0);
    text.erase(text.find_last_not_of('0') + 1);  // "48.030" -> "48.03", "99.000" -> "99."
    if (!text.empty() && text.back() == '.') text.pop_back();
    if (text == "-0") text = "0";
    out += text;
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace detail

// `v` as JSON text, doubles as plain decimals (see above).
inline std::string to_json_text(const boost::json::value& v) {
  std::string out;
  detail::append_json_text(out, v);
  return out;
}

}  // namespace flowlens::sdk
