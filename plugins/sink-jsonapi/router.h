/* SPDX-License-Identifier: BSD-2-Clause */
// The whole HTTP API as one pure function: request and current state in, response out. No
// sockets, clocks or locks here, so every route is tested as a table.
#pragma once

#include "config.h"
#include "render.h"
#include "message.h"
#include "snapshot.h"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <memory>
#include <string_view>

namespace flowlens::jsonapi {

using http::Request;
using http::Response;

// Ids are discovery-chosen names ("mc-survival"); anything longer is a client error, not a lookup.
inline constexpr std::size_t kMaxServerIdBytes = 256;

// What the host last told the plugin, swapped as one immutable unit.
struct State {
  std::shared_ptr<const RenderedSnapshot> snapshot;  // null until the first tick
  // When the snapshot arrived. Its age is measured on the monotonic clock: NTP stepping the
  // wall clock on a fresh VM must not make /health report an hour-old tick, or a fresh one.
  std::chrono::steady_clock::time_point received;
  HostStatus host;
};

struct RouteInputs {
  const Config& config;
  const State& state;
  std::chrono::steady_clock::duration snapshot_age;  // since `state.snapshot` arrived
  std::chrono::steady_clock::duration plugin_uptime;
  std::string_view plugin_version;
  flowlens::http::ConnectionStats connections;
};

Response route(const Request& request, const RouteInputs& in);

// True for requests whose answer shows the host's health, so the caller fetches it only then.
bool is_health_request(const Request& request);

// A JSON error response, as the server also sends for requests it could not parse.
Response make_error(boost::beast::http::status status, std::string_view message);

}  // namespace flowlens::jsonapi
