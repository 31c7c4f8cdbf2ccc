#include "config.h"

#include <boost/json.hpp>

#include <charconv>
#include <cstdint>
#include <limits>

namespace flowlens::jsonapi {
namespace {

namespace json = boost::json;

[[noreturn]] void fail(std::string_view field, std::string_view what) {
  throw ConfigError("sink-jsonapi config: '" + std::string(field) + "': " + std::string(what));
}

std::string_view kind_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
      return "an integer";
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "a list";
    case json::kind::object:
      return "a map";
  }
  return "something else";
}

std::string expected(std::string_view what, const json::value& got) {
  return "expected " + std::string(what) + ", got " + std::string(kind_of(got));
}

uint64_t get_uint(const json::value& v, std::string_view field, uint64_t min, uint64_t max) {
  uint64_t n = 0;
  if (v.is_uint64()) {
    n = v.get_uint64();
  } else if (v.is_int64() && v.get_int64() >= 0) {
    n = static_cast<uint64_t>(v.get_int64());
  } else {
    fail(field,
         expected("an integer from " + std::to_string(min) + " to " + std::to_string(max), v));
  }
  if (n < min || n > max) {
    fail(field, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                    ", got " + std::to_string(n));
  }
  return n;
}

std::chrono::milliseconds get_millis(const json::value& v, std::string_view field) {
  // Bounded so that steady_clock arithmetic can never overflow.
  constexpr uint64_t kMaxMillis = 24ull * 3600 * 1000;
  return std::chrono::milliseconds(get_uint(v, field, 1, kMaxMillis));
}

bool get_bool(const json::value& v, std::string_view field) {
  if (!v.is_bool()) fail(field, expected("true or false", v));
  return v.get_bool();
}

std::string_view get_string(const json::value& v, std::string_view field) {
  if (!v.is_string()) fail(field, expected("a string", v));
  return v.get_string();
}

void parse_limits(const json::value& v, Limits& limits) {
  if (!v.is_object()) fail("limits", expected("a map", v));
  for (const auto& [key, value] : v.get_object()) {
    const std::string field = "limits." + std::string(key);
    if (key == "max_header_bytes") {
      limits.max_header_bytes = get_uint(value, field, 256, kMaxHeaderBytesCeiling);
    } else if (key == "max_body_bytes") {
      limits.max_body_bytes = get_uint(value, field, 0, kMaxBodyBytesCeiling);
    } else if (key == "idle_timeout_ms") {
      limits.idle_timeout = get_millis(value, field);
    } else if (key == "read_timeout_ms") {
      limits.read_timeout = get_millis(value, field);
    } else if (key == "write_timeout_ms") {
      limits.write_timeout = get_millis(value, field);
    } else if (key == "max_connections") {
      limits.max_connections = get_uint(value, field, 1, 1'000'000);
    } else if (key == "max_keepalive_requests") {
      limits.max_keepalive_requests =
          get_uint(value, field, 1, std::numeric_limits<uint32_t>::max());
    } else {
      fail(field,
           "unknown key (expected max_header_bytes, max_body_bytes, idle_timeout_ms, "
           "read_timeout_ms, write_timeout_ms, max_connections, max_keepalive_requests)");
    }
  }
}

}  // namespace

ListenAddress parse_listen_address(std::string_view text, std::string_view field) {
  const auto bad = [&](std::string_view why) -> ListenAddress {
    fail(field, "'" + std::string(text) + "' " + std::string(why) +
                    " (expected ADDR:PORT, [IPV6]:PORT or :PORT)");
  };
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("has no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535 ||
      port_text.empty()) {
    return bad("has no valid port number");
  }
  ListenAddress out;
  out.text = std::string(text);
  boost::asio::ip::address address;
  if (host.empty()) {
    out.dual_stack = true;
    address = boost::asio::ip::address_v6::any();
  } else {
    const bool bracketed = host.front() == '[' && host.back() == ']' && host.size() >= 2;
    if (bracketed) host = host.substr(1, host.size() - 2);
    boost::system::error_code error;
    address = boost::asio::ip::make_address(std::string(host), error);
    if (error) return bad("has no valid IP address");
    if (address.is_v6() != bracketed) return bad("must put an IPv6 address, and only one, in []");
  }
  out.endpoint = {address, static_cast<unsigned short>(port)};
  return out;
}

Config parse_config(std::string_view json_text) {
  if (json_text.empty()) return parse_config(json::object());
  boost::system::error_code error;
  const json::value root = json::parse(json_text, error);
  if (error) throw ConfigError("sink-jsonapi config: not valid JSON: " + error.message());
  if (!root.is_object()) fail("(section)", expected("a map", root));
  return parse_config(root.get_object());
}

Config parse_config(const json::object& section) {
  Config config;
  bool auth_given = false;
  bool listen_given = false;
  for (const auto& [key, value] : section) {
    if (key == "listen") {
      listen_given = true;
      if (value.is_string()) {
        config.listen.push_back(parse_listen_address(value.get_string(), "listen"));
      } else if (value.is_array() && !value.get_array().empty()) {
        const auto& list = value.get_array();
        for (std::size_t i = 0; i < list.size(); ++i) {
          const std::string field = "listen[" + std::to_string(i) + "]";
          config.listen.push_back(parse_listen_address(get_string(list[i], field), field));
        }
      } else {
        fail("listen", expected("a non-empty list of \"ADDR:PORT\"", value));
      }
    } else if (key == "api_key") {
      config.api_key = std::string(get_string(value, "api_key"));
      if (config.api_key.empty()) fail("api_key", "must not be empty (or set auth: none)");
    } else if (key == "auth") {
      auth_given = true;
      const std::string_view mode = get_string(value, "auth");
      if (mode == "bearer") {
        config.auth = AuthMode::kBearer;
      } else if (mode == "none") {
        config.auth = AuthMode::kNone;
      } else {
        fail("auth", "expected \"bearer\" or \"none\", got \"" + std::string(mode) + "\"");
      }
    } else if (key == "include_ips") {
      config.include_ips = get_bool(value, "include_ips");
    } else if (key == "gzip") {
      config.gzip = get_bool(value, "gzip");
    } else if (key == "threads") {
      config.threads = static_cast<unsigned>(get_uint(value, "threads", 1, kMaxThreads));
    } else if (key == "stale_after_ms") {
      config.stale_after = get_millis(value, "stale_after_ms");
    } else if (key == "limits") {
      parse_limits(value, config.limits);
    } else {
      fail(key,
           "unknown key (expected listen, api_key, auth, include_ips, gzip, threads, "
           "stale_after_ms, limits)");
    }
  }
  if (!listen_given) config.listen.push_back(parse_listen_address(kDefaultListen, "listen"));
  // Refusing to start is safer than silently publishing player addresses to anyone.
  if (config.auth == AuthMode::kBearer && config.api_key.empty()) {
    fail("api_key", auth_given ? "auth is \"bearer\" but no api_key is set"
                               : "no api_key is set; set one, or set auth: none to serve without "
                                 "authentication");
  }
  if (config.auth == AuthMode::kNone && !config.api_key.empty()) {
    fail("auth", "is \"none\" but an api_key is set; remove one of them");
  }
  return config;
}

}  // namespace flowlens::jsonapi
