// SPDX-License-Identifier: BSD-2-Clause
// Strict access to an instance's config section (a Boost.JSON object): the one way a plugin reads
// its config. Every failure throws sdk::ConfigError whose message is "PATH: what was expected",
// PATH being the key path inside the section ("listen[1]", "limits.max_body_bytes"): the form
// flowlens/plugin.h specifies for create's FLOWLENS_ERR_CONFIG, from which `flowlensd
// check-config` finds the file and line of the offending value.
#pragma once

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "flowlens/sdk/duration.hpp"
#include "flowlens/sdk/host.hpp"

namespace flowlens::sdk {

class Config {
 public:
  // `object` must outlive this Config (and every section taken from it). `path` is where the
  // object sits in the instance's section: "" for the section itself.
  explicit Config(const boost::json::object& object, std::string path = "")
      : object_(&object), path_(std::move(path)) {}

  const boost::json::object& object() const { return *object_; }
  // "" at the section root, "limits", "rules[2]".
  const std::string& path() const { return path_; }
  // The path of `key` under this object: "limits.max_body_bytes", or "listen" at the root.
  std::string path_of(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  [[noreturn]] void fail(std::string_view key, const std::string& message) const {
    throw ConfigError(path_of(key) + ": " + message);
  }
  [[noreturn]] void fail_here(const std::string& message) const {
    throw ConfigError((path_.empty() ? std::string("(section)") : path_) + ": " + message);
  }

  bool has(std::string_view key) const { return object_->contains(key); }

  // An unknown key is an error, not ignored: a typo would otherwise silently use a default.
  void allow_only(std::initializer_list<std::string_view> keys) const {
    for (const auto& [key, value] : *object_) {
      bool known = false;
      for (std::string_view k : keys) known = known || key == k;
      if (known) continue;
      std::string list;
      for (std::string_view k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
      fail(key, list.empty() ? "unknown key (this section takes no keys)"
                             : "unknown key (expected one of: " + list + ")");
    }
  }

  std::string get_string(std::string_view key, std::string fallback) const {
    const boost::json::value* v = object_->if_contains(key);
    if (v == nullptr) return fallback;
    if (!v->is_string()) fail(key, expected("a string", *v));
    return std::string(v->get_string());
  }
  // A string, or an integer or boolean taken as its text: `id: 42` written unquoted in YAML is
  // still the id "42". Fractions, lists and maps are errors (quote them).
  std::string get_text(std::string_view key, std::string fallback) const {
    const boost::json::value* v = object_->if_contains(key);
    if (v == nullptr) return fallback;
    if (v->is_string()) return std::string(v->get_string());
    if (v->is_int64() || v->is_uint64() || v->is_bool()) return boost::json::serialize(*v);
    fail(key, expected("a string (quote it in YAML)", *v));
  }
  std::string require_string(std::string_view key) const {
    if (!has(key)) fail(key, "missing (required)");
    return get_string(key, "");
  }

  // One of `allowed`, e.g. get_enum("auth", "bearer", {"bearer", "none"}).
  std::string get_enum(std::string_view key, std::string fallback,
                       std::initializer_list<std::string_view> allowed) const {
    std::string v = get_string(key, std::move(fallback));
    for (std::string_view a : allowed)
      if (v == a) return v;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(key, "expected one of " + list + ", got '" + v + "'");
  }

  bool get_bool(std::string_view key, bool fallback) const {
    const boost::json::value* v = object_->if_contains(key);
    if (v == nullptr) return fallback;
    if (!v->is_bool()) fail(key, expected("true or false", *v));
    return v->get_bool();
  }

  // An integer in [min, max]; floating values with no fraction are accepted (YAML -> JSON).
  int64_t get_int(std::string_view key, int64_t fallback,
                  int64_t min = std::numeric_limits<int64_t>::min(),
                  int64_t max = std::numeric_limits<int64_t>::max()) const {
    const boost::json::value* v = object_->if_contains(key);
    if (v == nullptr) return fallback;
    boost::system::error_code ec;
    const auto n = v->to_number<int64_t>(ec);
    if (ec)
      fail(key,
           expected("an integer from " + std::to_string(min) + " to " + std::to_string(max), *v));
    if (n < min || n > max) {
      fail(key, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                    ", got " + std::to_string(n));
    }
    return n;
  }

  double get_double(std::string_view key, double fallback,
                    double min = -std::numeric_limits<double>::infinity(),
                    double max = std::numeric_limits<double>::infinity()) const {
    const boost::json::value* v = object_->if_contains(key);
    if (v == nullptr) return fallback;
    boost::system::error_code ec;
    const double d = v->to_number<double>(ec);
    if (ec || !std::isfinite(d)) fail(key, expected("a number", *v));
    if (d < min || d > max) {
      fail(key, "expected a number from " + number_text(min) + " to " + number_text(max) +
                    ", got " + number_text(d));
    }
    return d;
  }

  // A number of seconds (0.5) or a string with units ("250ms", "30s", "5m", "1h30m"), in
  // [min, max]. Rounded to milliseconds.
  std::chrono::milliseconds get_duration(std::string_view key, std::chrono::milliseconds fallback,
                                         std::chrono::milliseconds min,
                                         std::chrono::milliseconds max) const {
    const boost::json::value* v = object_->if_contains(key);
    if (v == nullptr) return fallback;
    const std::string range = "a duration from " + duration_text(min) + " to " +
                              duration_text(max) + " (a number of seconds or e.g. 500ms, 30s, 5m)";
    std::chrono::milliseconds ms{};
    if (v->is_string()) {
      const auto ns = parse_duration(v->get_string());
      if (!ns) fail(key, expected(range, *v));
      ms = std::chrono::round<std::chrono::milliseconds>(*ns);
    } else {
      boost::system::error_code ec;
      const double seconds = v->to_number<double>(ec);
      if (ec || !std::isfinite(seconds) || std::fabs(seconds) > kMaxDurationSeconds)
        fail(key, expected(range, *v));
      ms = std::chrono::milliseconds(std::llround(seconds * 1000));
    }
    if (ms < min || ms > max) fail(key, expected(range, *v));
    return ms;
  }

  // A list of strings. A single string is taken as a one-element list, as a person writing
  // `listen: 127.0.0.1:9100` means. Element errors name "key[i]".
  std::vector<std::string> get_string_list(std::string_view key,
                                           std::vector<std::string> fallback) const {
    const boost::json::value* v = object_->if_contains(key);
    if (v == nullptr) return fallback;
    if (v->is_string()) return {std::string(v->get_string())};
    if (!v->is_array()) fail(key, expected("a list of strings", *v));
    std::vector<std::string> out;
    const boost::json::array& list = v->get_array();
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string())
        throw ConfigError(path_of(key) + "[" + std::to_string(i) +
                          "]: " + expected("a string", list[i]));
      out.emplace_back(list[i].get_string());
    }
    return out;
  }

  // A map of name: value. Numbers and booleans are taken as their text (`port: 27015`), since
  // YAML gives no quotes to them; lists, maps and null are errors naming "key.name".
  std::map<std::string, std::string> get_string_map(std::string_view key) const {
    std::map<std::string, std::string> out;
    const boost::json::value* v = object_->if_contains(key);
    if (v == nullptr) return out;
    if (!v->is_object()) fail(key, expected("a map of name: value", *v));
    const Config map(v->get_object(), path_of(key));
    for (const auto& [name, value] : v->get_object()) {
      if (name.empty()) fail(key, "a name may not be empty");
      out[std::string(name)] = map.get_text(name, "");
    }
    return out;
  }

  // The map under `key`; an absent key reads as an empty map, so defaults apply.
  Config section(std::string_view key) const {
    const boost::json::value* v = object_->if_contains(key);
    if (v == nullptr || v->is_null()) return Config(empty_object(), path_of(key));
    if (!v->is_object()) fail(key, expected("a map", *v));
    return Config(v->get_object(), path_of(key));
  }

  // A list of maps, each with the path "key[i]". Absent = empty list.
  std::vector<Config> sections(std::string_view key) const {
    std::vector<Config> out;
    const boost::json::value* v = object_->if_contains(key);
    if (v == nullptr) return out;
    if (!v->is_array()) fail(key, expected("a list of maps", *v));
    const boost::json::array& list = v->get_array();
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string where = path_of(key) + "[" + std::to_string(i) + "]";
      if (!list[i].is_object()) throw ConfigError(where + ": " + expected("a map", list[i]));
      out.emplace_back(list[i].get_object(), where);
    }
    return out;
  }

  // "expected WHAT, got 'text'" / "got a list": the tail of most messages, for a plugin's own.
  static std::string expected(const std::string& what, const boost::json::value& got) {
    return "expected " + what + ", got " + describe(got);
  }
  static std::string describe(const boost::json::value& v) {
    switch (v.kind()) {
      case boost::json::kind::null:
        return "nothing";
      case boost::json::kind::array:
        return "a list";
      case boost::json::kind::object:
        return "a map";
      case boost::json::kind::string:
        return quoted(v.get_string());
      case boost::json::kind::double_:
        return quoted(number_text(v.get_double()));
      default:
        return quoted(boost::json::serialize(v));
    }
  }
  // Appends rather than `"'" + text`: GCC 12 at -O3 reports a false -Wrestrict inside libstdc++
  // for a literal prepended to a temporary string.
  static std::string quoted(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '\'';
    out += text;
    out += '\'';
    return out;
  }

 private:
  // Past this a double no longer holds whole milliseconds; no interval is a century long.
  static constexpr double kMaxDurationSeconds = 1e9;

  static const boost::json::object& empty_object() {
    static const boost::json::object empty;
    return empty;
  }
  static std::string number_text(double d) {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    return ec == std::errc() ? std::string(buf, end) : std::string("?");
  }
  static std::string duration_text(std::chrono::milliseconds ms) {
    const int64_t n = ms.count();
    if (n % 3'600'000 == 0 && n > 0) return std::to_string(n / 3'600'000) + "h";
    if (n % 60'000 == 0 && n > 0) return std::to_string(n / 60'000) + "m";
    if (n % 1000 == 0) return std::to_string(n / 1000) + "s";
    return std::to_string(n) + "ms";
  }

  const boost::json::object* object_;
  std::string path_;
};

}  // namespace flowlens::sdk
