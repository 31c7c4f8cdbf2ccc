/* SPDX-License-Identifier: BSD-2-Clause */
// JSON rendering. The server list is rendered once per snapshot; requests only slice it.
#pragma once

#include "connection_stats.h"
#include "message.h"
#include "snapshot.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace flowlens::jsonapi {

using http::SharedText;

// One snapshot, ready to serve: `{"servers":[obj,...]}` and, per id, the slice that is `obj`.
class RenderedSnapshot {
 public:
  // With `gzip`, the list is also compressed here, so requests never compress.
  RenderedSnapshot(const Snapshot& snapshot, bool include_ips, bool gzip = false);

  int64_t timestamp_unix_ms() const { return timestamp_unix_ms_; }
  std::size_t server_count() const { return by_id_.size(); }
  SharedText list_body() const { return {body_, *body_}; }
  // The list gzip-encoded, or nullopt when not rendered with gzip.
  std::optional<SharedText> list_gzip() const;
  // The object of one server, or nullopt when the snapshot does not hold it.
  std::optional<SharedText> server_body(std::string_view server_id) const;

 private:
  int64_t timestamp_unix_ms_ = 0;
  std::shared_ptr<const std::string> body_;
  std::shared_ptr<const std::string> gzip_;                  // null without gzip
  std::unordered_map<std::string, std::string_view> by_id_;  // views into *body_
};

// /health: the plugin's own view (status, its uptime, the age of the snapshot it serves) merged
// with the daemon's (HostStatus). Where both say something, the plugin's view wins: it is what
// this API actually serves.
struct HealthReport {
  std::string status;  // "ok", "starting" or "degraded"
  double plugin_uptime_seconds = 0;
  std::optional<double> last_tick_age_seconds;
  std::optional<std::size_t> servers;
  boost::json::object host;                     // HostStatus::fields
  flowlens::http::ConnectionStats connections;  // this sink's own HTTP server
};

// One server as the original API shaped it, plus name, status, labels and unknown_reason.
std::string render_server(const ServerEstimate& server, int64_t timestamp_unix_ms,
                          bool include_ips);
std::string render_health(const HealthReport& report);
std::string render_index(std::string_view version, bool auth_required);
std::string render_error(std::string_view message);
// RFC 3339 in UTC with millisecond precision when it is not zero: "2026-11-23T14:35:48.250Z".
std::string format_rfc3339(int64_t unix_ms);

}  // namespace flowlens::jsonapi
