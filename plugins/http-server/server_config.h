/* SPDX-License-Identifier: BSD-2-Clause */
// The keys every HTTP-serving plugin shares, read through sdk::Config so errors have the
// "PATH: message" form: `listen` (one address or a list), `threads`, and the `limits` map
// (max_header_bytes, max_body_bytes, idle_timeout_ms, read_timeout_ms, write_timeout_ms,
// max_connections, max_keepalive_requests).
#pragma once

#include "options.h"

#include <flowlens/sdk/config.hpp>

#include <string>
#include <string_view>

namespace flowlens::http {

// `name` goes into ServerOptions::name; `default_listen` applies when `listen` is absent.
ServerOptions read_server_options(const sdk::Config& config, std::string name,
                                  std::string_view default_listen);

}  // namespace flowlens::http
