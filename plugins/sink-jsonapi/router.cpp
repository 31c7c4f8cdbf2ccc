// SPDX-License-Identifier: BSD-2-Clause
#include "router.h"

#include "bearer_auth.h"
#include "encoding.h"

#include <optional>
#include <string>

namespace flowlens::jsonapi {
namespace {

namespace http = boost::beast::http;
using flowlens::http::target_path;

constexpr std::string_view kServerName = "flowlens-jsonapi";
constexpr std::string_view kAllow = "GET, HEAD";
constexpr std::string_view kServersPath = "/metrics/servers";

Response make_response(http::status status, SharedText body, const Request& request) {
  Response res{status, request.version()};
  res.set(http::field::server, kServerName);
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  const std::size_t length = body.text.size();
  if (request.method() != http::verb::head) res.body() = std::move(body);
  res.content_length(length);
  return res;
}

Response error(http::status status, std::string_view message, const Request& request) {
  return make_response(status, SharedText::of(render_error(message)), request);
}

std::optional<int> hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

// Percent-decodes one path segment; nullopt when it is not a well-formed, printable id.
std::optional<std::string> decode_server_id(std::string_view raw) {
  std::string id;
  id.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return std::nullopt;
      const auto hi = hex_value(raw[i + 1]);
      const auto lo = hex_value(raw[i + 2]);
      if (!hi || !lo) return std::nullopt;
      c = static_cast<char>(*hi * 16 + *lo);
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
    id += c;
  }
  if (id.empty() || id.size() > kMaxServerIdBytes) return std::nullopt;
  return id;
}

bool authorized(const Request& request, const Config& config) {
  if (config.auth == AuthMode::kNone) return true;
  const auto it = request.find(http::field::authorization);
  return it != request.end() && flowlens::http::bearer_matches(it->value(), config.api_key);
}

Response health(const Request& request, const RouteInputs& in) {
  HealthReport report;
  report.plugin_uptime_seconds = std::chrono::duration<double>(in.plugin_uptime).count();
  report.host = in.state.host.fields;
  report.connections = in.connections;
  const auto& snapshot = in.state.snapshot;
  bool stale = false;
  if (snapshot) {
    const auto age = in.snapshot_age;
    report.last_tick_age_seconds = std::chrono::duration<double>(age).count();
    report.servers = snapshot->server_count();
    stale = age > in.config.stale_after;
  }
  // Load balancers and probes read the status code; the body says why.
  http::status code = http::status::ok;
  if (!snapshot) {
    report.status = "starting";
    code = http::status::service_unavailable;
  } else if (stale || in.state.host.bpf_attached() == false) {
    report.status = "degraded";
    code = http::status::service_unavailable;
  } else {
    report.status = "ok";
  }
  return make_response(code, SharedText::of(render_health(report)), request);
}

Response servers(const Request& request, const RouteInputs& in, std::string_view rest) {
  if (!authorized(request, in.config)) {
    Response res = error(http::status::unauthorized, "unauthorized", request);
    res.set(http::field::www_authenticate, "Bearer realm=\"flowlens\"");
    return res;
  }
  std::optional<std::string> id;
  if (!rest.empty()) {
    if (rest.find('/') != std::string_view::npos) {
      return error(http::status::not_found, "not found", request);
    }
    id = decode_server_id(rest);
    if (!id) return error(http::status::bad_request, "malformed server id", request);
  }
  const auto& snapshot = in.state.snapshot;
  if (!snapshot) {
    // Not an empty list: no estimate exists yet, and "no servers" would be a false answer.
    Response res = error(http::status::service_unavailable, "no snapshot yet", request);
    res.set(http::field::retry_after, "1");
    return res;
  }
  if (!id) {
    const auto gzip = snapshot->list_gzip();
    const auto accept = request.find(http::field::accept_encoding);
    const bool compress = gzip && accept != request.end() && accepts_gzip(accept->value());
    Response res =
        make_response(http::status::ok, compress ? *gzip : snapshot->list_body(), request);
    if (compress) res.set(http::field::content_encoding, "gzip");
    res.set(http::field::vary, "Accept-Encoding");
    return res;
  }
  auto body = snapshot->server_body(*id);
  if (!body) return error(http::status::not_found, "server not found", request);
  return make_response(http::status::ok, std::move(*body), request);
}

}  // namespace

Response make_error(http::status status, std::string_view message) {
  Request request{http::verb::get, "/", 11};
  return error(status, message, request);
}

bool is_health_request(const Request& request) {
  return target_path(request.target()) == "/health";
}

Response route(const Request& request, const RouteInputs& in) {
  const std::string_view target = request.target();
  if (target.empty() || target.front() != '/') {
    return error(http::status::bad_request, "request target must be a path", request);
  }
  const std::string_view path = target_path(target);

  enum class Route { kIndex, kHealth, kServers, kNone };
  Route which = Route::kNone;
  std::string_view rest;
  if (path == "/") {
    which = Route::kIndex;
  } else if (path == "/health") {
    which = Route::kHealth;
  } else if (path == kServersPath) {
    which = Route::kServers;
  } else if (path.starts_with(kServersPath) && path[kServersPath.size()] == '/') {
    which = Route::kServers;
    rest = path.substr(kServersPath.size() + 1);
    if (rest.empty()) return error(http::status::bad_request, "missing server id", request);
  }
  if (which == Route::kNone) return error(http::status::not_found, "not found", request);

  const http::verb method = request.method();
  if (method != http::verb::get && method != http::verb::head) {
    Response res = error(http::status::method_not_allowed, "method not allowed", request);
    res.set(http::field::allow, kAllow);
    return res;
  }
  switch (which) {
    case Route::kIndex:
      return make_response(
          http::status::ok,
          SharedText::of(render_index(in.plugin_version, in.config.auth == AuthMode::kBearer)),
          request);
    case Route::kHealth:
      return health(request, in);
    default:
      return servers(request, in, rest);
  }
}

}  // namespace flowlens::jsonapi
