// SPDX-License-Identifier: BSD-2-Clause
#include "api_version.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace flowlens::discovery_docker {
namespace {

bool parse_int(std::string_view text, int& out) {
  if (text.empty() || text.size() > 4) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= 0;
}

}  // namespace

std::optional<ApiVersion> parse_api_version(std::string_view text) {
  const size_t dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  ApiVersion v;
  if (!parse_int(text.substr(0, dot), v.major) || !parse_int(text.substr(dot + 1), v.minor)) {
    return std::nullopt;
  }
  return v;
}

ApiVersion negotiate_api_version(std::string_view server, std::string_view server_min) {
  const auto ours = parse_api_version(server);
  if (!ours) {
    throw std::runtime_error("the engine's API version '" + std::string(server) +
                             "' is not MAJOR.MINOR");
  }
  ApiVersion speak = std::min(*ours, kNewestKnownApi);
  if (const auto min = parse_api_version(server_min); min && speak < *min) speak = *min;
  return speak;
}

}  // namespace flowlens::discovery_docker
