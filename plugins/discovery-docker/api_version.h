/* SPDX-License-Identifier: BSD-2-Clause */
// Engine API version negotiation: speak min(server's version, the newest we know), never below
// the server's minimum (Docker 29 refuses anything under 1.44; Debian's 20.10 speaks 1.41).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flowlens::discovery_docker {

struct ApiVersion {
  int major = 0;
  int minor = 0;
  auto operator<=>(const ApiVersion&) const = default;
  std::string text() const { return std::to_string(major) + "." + std::to_string(minor); }
};

// The newest Engine API whose shapes this plugin was written against (Docker 29).
inline constexpr ApiVersion kNewestKnownApi{1, 52};

// "1.41" -> {1, 41}; nullopt for anything else.
std::optional<ApiVersion> parse_api_version(std::string_view text);

// `server` from /_ping's Api-Version header (or /version's ApiVersion), `server_min` from
// /version's MinAPIVersion (absent on very old engines). Throws std::runtime_error when the
// server's own version is unreadable.
ApiVersion negotiate_api_version(std::string_view server, std::string_view server_min);

}  // namespace flowlens::discovery_docker
