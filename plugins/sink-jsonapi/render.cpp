// SPDX-License-Identifier: BSD-2-Clause
#include "render.h"

#include "encoding.h"

#include <boost/json.hpp>
#include <flowlens/sdk/json_text.hpp>

#include <cmath>
#include <cstdio>
#include <ctime>

namespace flowlens::jsonapi {
namespace {

namespace json = boost::json;
namespace sdk = flowlens::sdk;

// Whole numbers go out as integers: Boost.JSON writes every double with an exponent ("6E1"),
// which clients that decode sample_window_seconds into an integer (as the original's Go
// clients may) would refuse.
json::value number(double d) {
  constexpr double kExactIntegerLimit = 9007199254740992.0;  // 2^53
  if (std::isfinite(d) && std::fabs(d) < kExactIntegerLimit && d == std::floor(d)) {
    return json::value(static_cast<int64_t>(d));
  }
  return json::value(d);
}

// Durations in /health: millisecond precision is all a reader can use.
json::value seconds(double s) {
  return number(std::round(s * 1000) / 1000);
}

json::value optional_seconds(const std::optional<double>& v) {
  return v ? seconds(*v) : json::value(nullptr);
}

}  // namespace

std::string format_rfc3339(int64_t unix_ms) {
  // Floor division so that times before 1970 still split into a valid second and millisecond.
  int64_t seconds = unix_ms / 1000;
  int64_t millis = unix_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (millis != 0) {
    n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%03d",
                       static_cast<int>(millis));
  }
  return std::string(buf, static_cast<std::size_t>(n)) + "Z";
}

std::string render_server(const ServerEstimate& server, int64_t timestamp_unix_ms,
                          bool include_ips) {
  json::object obj;
  obj["server_id"] = server.server_id;
  if (!server.name.empty()) obj["name"] = server.name;
  obj["status"] = server.known ? "ok" : "unknown";
  // null, not 0: an unknown count must never read as an empty server.
  obj["active_players"] = server.known ? json::value(server.active_players) : json::value(nullptr);
  if (!server.known && !server.unknown_reason.empty()) {
    obj["unknown_reason"] = server.unknown_reason;
  }
  if (include_ips) {
    json::array ips;
    ips.reserve(server.unique_ips.size());
    for (const auto& ip : server.unique_ips) ips.emplace_back(ip);
    obj["unique_ips"] = std::move(ips);
  }
  obj["sample_window_seconds"] = number(server.sample_window_seconds);
  obj["total_bytes"] = server.total_bytes;
  obj["timestamp"] = format_rfc3339(timestamp_unix_ms);
  if (!server.labels.empty()) {
    json::object labels;
    for (const auto& [k, v] : server.labels) labels[k] = v;
    obj["labels"] = std::move(labels);
  }
  return json::serialize(obj);
}

RenderedSnapshot::RenderedSnapshot(const Snapshot& snapshot, bool include_ips, bool gzip)
    : timestamp_unix_ms_(snapshot.timestamp_unix_ms) {
  static constexpr std::string_view kHead = "{\"servers\":[";
  static constexpr std::string_view kTail = "]}";
  // Offsets first, views after: the string may reallocate while it grows.
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  spans.reserve(snapshot.servers.size());
  std::string body(kHead);
  for (const auto& server : snapshot.servers) {
    if (&server != &snapshot.servers.front()) body += ',';
    const std::string obj = render_server(server, snapshot.timestamp_unix_ms, include_ips);
    spans.emplace_back(body.size(), obj.size());
    body += obj;
  }
  body += kTail;
  auto owned = std::make_shared<const std::string>(std::move(body));
  by_id_.reserve(spans.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    // A duplicate id keeps its first entry, the same one a client scanning the list finds first.
    by_id_.try_emplace(snapshot.servers[i].server_id,
                       std::string_view(*owned).substr(spans[i].first, spans[i].second));
  }
  body_ = std::move(owned);
  if (gzip) gzip_ = std::make_shared<const std::string>(gzip_compress(*body_));
}

std::optional<SharedText> RenderedSnapshot::list_gzip() const {
  if (!gzip_) return std::nullopt;
  return SharedText{gzip_, *gzip_};
}

std::optional<SharedText> RenderedSnapshot::server_body(std::string_view server_id) const {
  const auto it = by_id_.find(std::string(server_id));
  if (it == by_id_.end()) return std::nullopt;
  return SharedText{body_, it->second};
}

std::string render_health(const HealthReport& report) {
  json::object obj;
  obj["status"] = report.status;
  // The daemon's fields, null when the host does not report them (a host older than ABI 1.1).
  const auto host = [&](std::string_view key) {
    const json::value* v = report.host.if_contains(key);
    if (v == nullptr) return json::value(nullptr);
    return v->is_double() ? number(v->get_double()) : *v;
  };
  obj["version"] = host("version");
  obj["uptime_seconds"] = host("uptime_seconds");
  obj["plugin_uptime_seconds"] = seconds(report.plugin_uptime_seconds);
  obj["bpf_attached"] = host("bpf_attached");
  obj["interface"] = host("interface");
  obj["last_tick_age_seconds"] = optional_seconds(report.last_tick_age_seconds);
  // The daemon's own tick may be fresher than the snapshot this sink got, when the sink lags.
  obj["daemon_last_tick_age_seconds"] = host("last_tick_age_seconds");
  obj["servers"] = report.servers ? json::value(*report.servers) : json::value(nullptr);
  obj["flows"] = host("flows");
  obj["map_capacity"] = host("map_capacity");
  obj["plugins"] = host("plugins");
  obj["connections"] = json::object{{"open", report.connections.open},
                                    {"max", report.connections.max},
                                    {"refused", report.connections.refused}};
  // Fields a newer daemon adds pass through, without overriding the plugin's own.
  for (const auto& [key, value] : report.host) {
    if (key != "last_tick_age_seconds" && !obj.contains(key)) obj[key] = value;
  }
  return sdk::to_json_text(obj);  // durations as 48.03, not 4.803E1
}

std::string render_index(std::string_view version, bool auth_required) {
  json::object obj;
  obj["service"] = "flowlens";
  obj["plugin"] = "sink-jsonapi";
  obj["version"] = version;
  obj["auth"] = auth_required ? "bearer" : "none";
  obj["endpoints"] = json::array{
      json::object{{"path", "/"}, {"auth", false}},
      json::object{{"path", "/health"}, {"auth", false}},
      json::object{{"path", "/metrics/servers"}, {"auth", auth_required}},
      json::object{{"path", "/metrics/servers/{id}"}, {"auth", auth_required}},
  };
  return json::serialize(obj);
}

std::string render_error(std::string_view message) {
  return json::serialize(json::object{{"error", message}});
}

}  // namespace flowlens::jsonapi
