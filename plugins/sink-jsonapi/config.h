// sink-jsonapi configuration: plain structs, every member defaulted from a named constant.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flowlens::jsonapi {

// The shipped configuration serves the API on loopback only; exposing it is a deliberate edit.
inline constexpr std::string_view kDefaultListen = "127.0.0.1:8080";
// Beast's own default; a GET with a bearer token needs well under 1 KiB.
inline constexpr std::size_t kDefaultMaxHeaderBytes = 8 * 1024;
// Every route is a GET: a body is only read so a stray POST can be answered, never stored.
inline constexpr std::size_t kDefaultMaxBodyBytes = 4 * 1024;
// How long a keep-alive connection may sit without sending the first byte of a request.
inline constexpr std::chrono::milliseconds kDefaultIdleTimeout{30'000};
// Once a request has started, the whole of it must arrive within this (slow-loris bound).
inline constexpr std::chrono::milliseconds kDefaultReadTimeout{10'000};
// A client that stops reading its response is dropped after this.
inline constexpr std::chrono::milliseconds kDefaultWriteTimeout{10'000};
// Each session holds a socket and up to one request; this caps the plugin's memory and fds.
inline constexpr std::size_t kDefaultMaxConnections = 512;
// After this many requests a keep-alive connection is closed, so load rebalances over time.
inline constexpr std::size_t kDefaultMaxKeepaliveRequests = 1000;
// One thread serves thousands of requests per second from the pre-rendered body.
inline constexpr unsigned kDefaultThreads = 1;
// Clients that send Accept-Encoding: gzip get the server list compressed (once per snapshot).
inline constexpr bool kDefaultGzip = true;
// A tick older than this makes /health report "degraded".
inline constexpr std::chrono::milliseconds kDefaultStaleAfter{30'000};

inline constexpr unsigned kMaxThreads = 16;
inline constexpr std::size_t kMaxHeaderBytesCeiling = 1024 * 1024;
inline constexpr std::size_t kMaxBodyBytesCeiling = 16 * 1024 * 1024;

struct Limits {
  std::size_t max_header_bytes = kDefaultMaxHeaderBytes;
  std::size_t max_body_bytes = kDefaultMaxBodyBytes;
  std::chrono::milliseconds idle_timeout = kDefaultIdleTimeout;
  std::chrono::milliseconds read_timeout = kDefaultReadTimeout;
  std::chrono::milliseconds write_timeout = kDefaultWriteTimeout;
  std::size_t max_connections = kDefaultMaxConnections;
  std::size_t max_keepalive_requests = kDefaultMaxKeepaliveRequests;
};

struct ListenAddress {
  std::string text;  // as written in the config, for messages
  boost::asio::ip::tcp::endpoint endpoint;
  // ":PORT" means every address of both families, as the original's server_addr did.
  bool dual_stack = false;
};

enum class AuthMode { kBearer, kNone };

struct Config {
  std::vector<ListenAddress> listen;  // never empty after parsing
  AuthMode auth = AuthMode::kBearer;
  std::string api_key;      // required unless auth is kNone
  bool include_ips = true;  // false leaves unique_ips out: client addresses are personal data
  bool gzip = kDefaultGzip;
  unsigned threads = kDefaultThreads;
  std::chrono::milliseconds stale_after = kDefaultStaleAfter;
  Limits limits;
};

// A config error names the offending field ("limits.max_header_bytes") and what was expected.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses the plugin's config section. Unknown keys are errors.
Config parse_config(const boost::json::object& section);
// The same from JSON text ("" counts as an empty section).
Config parse_config(std::string_view json_text);

// Parses "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT"; `field` names the key for the error message.
ListenAddress parse_listen_address(std::string_view text, std::string_view field);

}  // namespace flowlens::jsonapi
