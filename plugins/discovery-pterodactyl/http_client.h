/* SPDX-License-Identifier: BSD-2-Clause */
// One GET at a time over libcurl, bounded in every way the panel could make it unbounded:
// connect and total timeouts, a response size cap, no redirects, TLS verification on unless the
// operator turns it off, and a stop flag checked while the transfer runs (stop is prompt).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowlens::discovery_pterodactyl {

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds request_timeout{30'000};
  int64_t max_response_bytes = 8 << 20;
  bool allow_http = false;
  bool tls_verify = true;
  std::string ca_file;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::optional<int64_t> rate_limit;                // X-RateLimit-Limit
  std::optional<int64_t> rate_remaining;            // X-RateLimit-Remaining
  std::optional<std::chrono::seconds> retry_after;  // Retry-After (seconds form)
};

// The transfer failed before an HTTP answer was complete. `kind` groups causes for the
// once-per-kind log: "connect", "timeout", "tls", "too_large", "transfer", "stopped".
class HttpError : public std::runtime_error {
 public:
  HttpError(std::string kind, const std::string& message)
      : std::runtime_error(message), kind_(std::move(kind)) {}
  const std::string& kind() const noexcept { return kind_; }

 private:
  std::string kind_;
};

class HttpClient {
 public:
  // `stop` is read during transfers; when it becomes true the current one ends with "stopped".
  HttpClient(HttpOptions options, const std::atomic<bool>& stop);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `headers` are full header lines ("Accept: application/json"). Throws HttpError.
  HttpResponse get(const std::string& url, const std::vector<std::string>& headers);

 private:
  HttpOptions options_;
  const std::atomic<bool>& stop_;
  void* curl_;  // CURL*, kept between calls so pages reuse one connection
};

}  // namespace flowlens::discovery_pterodactyl
