/* SPDX-License-Identifier: BSD-2-Clause */
// The router tests' one request: what the server would answer at a fixed moment (the tick kTick,
// 1.5 s later, 42 s after the plugin started, daemon "9.9.9"), without sockets.
#pragma once

#include "router.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace flowlens::jsonapi::testing {

inline constexpr int64_t kTick = 1'795'000'000'000;  // 2026-11-18T11:06:40Z, a fixed tick time

inline Response run(const Config& config, const State& state, boost::beast::http::verb method,
                    std::string target, std::string authorization = {}) {
  Request req{method, target, 11};
  if (!authorization.empty()) req.set(boost::beast::http::field::authorization, authorization);
  const RouteInputs in{.config = config,
                       .state = state,
                       .snapshot_age = std::chrono::milliseconds(1500),
                       .plugin_uptime = std::chrono::seconds(42),
                       .plugin_version = "9.9.9",
                       .connections = {2, 512, 9}};
  return route(req, in);
}

inline Response run(const Config& config, const State& state, std::string target) {
  return run(config, state, boost::beast::http::verb::get, std::move(target));
}

inline std::string body(const Response& r) {
  return std::string(r.body().text);
}

}  // namespace flowlens::jsonapi::testing
