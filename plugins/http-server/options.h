/* SPDX-License-Identifier: BSD-2-Clause */
// How a server listens and what it bounds: plain structs, every member defaulted from a named
// constant. read_server_options (server_config.h) fills them from a plugin's config section.
#pragma once

#include "listen_address.h"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace flowlens::http {

// Beast's own default; a GET with a bearer token needs well under 1 KiB.
inline constexpr std::size_t kDefaultMaxHeaderBytes = 8 * 1024;
// The servers built on this answer GETs: a body is only read so a stray POST can be answered.
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
// Failed authentications (401 answers) an address may have within the window before it gets
// 429 for one window: a panel with a wrong key notices, a guesser gets 10 tries a minute.
inline constexpr std::size_t kDefaultMaxAuthFailures = 10;
inline constexpr std::chrono::milliseconds kDefaultAuthFailureWindow{60'000};
// One thread serves thousands of requests per second from a pre-rendered body.
inline constexpr unsigned kDefaultThreads = 1;

inline constexpr unsigned kMaxThreads = 16;
inline constexpr std::size_t kMinHeaderBytes = 256;
inline constexpr std::size_t kMaxHeaderBytesCeiling = 1024 * 1024;
inline constexpr std::size_t kMaxBodyBytesCeiling = 16 * 1024 * 1024;
inline constexpr std::size_t kMaxConnectionsCeiling = 1'000'000;
// Bounded so that steady_clock arithmetic can never overflow.
inline constexpr std::chrono::milliseconds kMaxTimeout{24 * 3600 * 1000};
static_assert(kDefaultMaxHeaderBytes >= kMinHeaderBytes && kDefaultThreads <= kMaxThreads);

struct Limits {
  std::size_t max_header_bytes = kDefaultMaxHeaderBytes;
  std::size_t max_body_bytes = kDefaultMaxBodyBytes;
  std::chrono::milliseconds idle_timeout = kDefaultIdleTimeout;
  std::chrono::milliseconds read_timeout = kDefaultReadTimeout;
  std::chrono::milliseconds write_timeout = kDefaultWriteTimeout;
  std::size_t max_connections = kDefaultMaxConnections;
  std::size_t max_keepalive_requests = kDefaultMaxKeepaliveRequests;
  std::size_t max_auth_failures = kDefaultMaxAuthFailures;
  std::chrono::milliseconds auth_failure_window = kDefaultAuthFailureWindow;
};

// TLS: the server speaks HTTPS only, with this certificate chain and key (PEM files).
struct TlsFiles {
  std::string cert_file;  // the certificate, then any intermediates
  std::string key_file;   // its private key: a secret file (sdk/secret.hpp rules)
};

struct ServerOptions {
  // Says who is talking in log lines and in the Server header of the server's own errors.
  std::string name = "flowlens";
  std::vector<ListenAddress> listen;  // at least one
  unsigned threads = kDefaultThreads;
  Limits limits;
  std::optional<TlsFiles> tls;  // unset: plain HTTP
};

}  // namespace flowlens::http
