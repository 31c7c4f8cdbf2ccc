/* SPDX-License-Identifier: BSD-2-Clause */
// One HTTP request through libcurl, TLS verification on, abortable from another thread.
#pragma once

#include "retry_policy.h"

#include <atomic>
#include <string>
#include <vector>

namespace flowlens::webhook {

struct HttpRequest {
  // A secret (Discord and Slack put the token in the path): never logged, see url_host().
  std::string url;
  std::string method = "POST";
  // "Name: value" lines.
  std::vector<std::string> headers;
  std::string body;
  Millis timeout{10'000};
};

// Sends `request`; a transfer still running when `abort` becomes true ends at once with
// transport_error "aborted". Never throws for network trouble: it is in the result.
AttemptResult http_send(const HttpRequest& request, const std::atomic<bool>& abort);

// "discord.com", "127.0.0.1:9093": what logs may say about a URL (no path, query or user info).
std::string url_host(const std::string& url);

// Call once before any thread sends (curl_global_init is not safe to race).
void http_global_init();

}  // namespace flowlens::webhook
