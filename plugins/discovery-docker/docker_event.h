/* SPDX-License-Identifier: BSD-2-Clause */
// One line of GET /events. Read by Type, Action (before any ':', as in "exec_start: sh") and
// Actor: Docker 29 (API 1.52) no longer sends the old status/id/from fields.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowlens::discovery_docker {

struct DockerEvent {
  std::string type;                               // "container", ...
  std::string action;                             // "start", "die", ...
  std::string id;                                 // Actor.ID
  std::map<std::string, std::string> attributes;  // Actor.Attributes (labels, name, ...)
};

// The container actions the plugin subscribes to, in the /events filter.
inline constexpr std::string_view kWatchedActions[] = {"start",  "die",   "destroy",
                                                       "rename", "pause", "unpause"};

// Parses one line; throws std::runtime_error saying what is wrong with it (the caller logs it
// and goes on with the next line).
DockerEvent parse_event_line(std::string_view line);

// The `filters` value for /events and /containers/json: label filters "k=v", and for events the
// type and actions. Returned as JSON text (the caller URL-encodes it).
std::string list_filters_json(const std::map<std::string, std::string>& labels);
std::string event_filters_json(const std::map<std::string, std::string>& labels);

// Percent-encodes a query value (RFC 3986 unreserved characters pass).
std::string url_encode(std::string_view text);

}  // namespace flowlens::discovery_docker
