// Strict access to an instance's config section (a Boost.JSON object). Every failure throws
// sdk::ConfigError naming the key and what was expected, so `flowlensd check-config` can say it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "flowlens/sdk/host.hpp"

namespace flowlens::sdk {

class Config {
 public:
  explicit Config(const boost::json::object& object) : object_(object) {}

  const boost::json::object& object() const { return object_; }
  bool has(std::string_view key) const { return object_.contains(key); }

  // An unknown key is an error, not ignored: a typo would otherwise silently use a default.
  void allow_only(std::initializer_list<std::string_view> keys) const {
    for (const auto& [key, value] : object_) {
      bool known = false;
      for (std::string_view k : keys) known = known || key == k;
      if (!known) throw ConfigError("unknown key '" + std::string(key) + "'");
    }
  }

  std::string get_string(std::string_view key, std::string fallback) const {
    const boost::json::value* v = object_.if_contains(key);
    if (v == nullptr) return fallback;
    if (!v->is_string()) throw wrong_type(key, "a string", *v);
    return std::string(v->get_string());
  }
  std::string require_string(std::string_view key) const {
    if (!has(key)) throw ConfigError("missing required key '" + std::string(key) + "'");
    return get_string(key, "");
  }

  bool get_bool(std::string_view key, bool fallback) const {
    const boost::json::value* v = object_.if_contains(key);
    if (v == nullptr) return fallback;
    if (!v->is_bool()) throw wrong_type(key, "true or false", *v);
    return v->get_bool();
  }

  // An integer in [min, max]; floating values with no fraction are accepted (YAML -> JSON).
  int64_t get_int(std::string_view key, int64_t fallback,
                  int64_t min = std::numeric_limits<int64_t>::min(),
                  int64_t max = std::numeric_limits<int64_t>::max()) const {
    const boost::json::value* v = object_.if_contains(key);
    if (v == nullptr) return fallback;
    boost::system::error_code ec;
    auto n = v->to_number<int64_t>(ec);
    if (ec) throw wrong_type(key, "an integer", *v);
    if (n < min || n > max) {
      throw ConfigError("key '" + std::string(key) + "': " + std::to_string(n) + " is outside [" +
                        std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    return n;
  }

  double get_double(std::string_view key, double fallback) const {
    const boost::json::value* v = object_.if_contains(key);
    if (v == nullptr) return fallback;
    boost::system::error_code ec;
    double d = v->to_number<double>(ec);
    if (ec) throw wrong_type(key, "a number", *v);
    return d;
  }

 private:
  static ConfigError wrong_type(std::string_view key, const char* expected,
                                const boost::json::value& got) {
    return ConfigError("key '" + std::string(key) + "': expected " + expected + ", got " +
                       boost::json::serialize(got));
  }

  const boost::json::object& object_;
};

}  // namespace flowlens::sdk
