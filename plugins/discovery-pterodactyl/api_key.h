/* SPDX-License-Identifier: BSD-2-Clause */
// The Application API key, read in start from where the config says. The key itself never
// appears in a message: errors name its source only. Its prefix (ptla_ on Pterodactyl, papp_ on
// Pelican, none on old panels) is not checked.
#pragma once

#include <string>

#include "settings.h"

namespace flowlens::discovery_pterodactyl {

// The config keys a KeySource came from, for messages.
struct KeyNames {
  const char* inline_key = "api_key";
  const char* file = "api_key_file";
  const char* env = "api_key_env";
};

// Throws std::runtime_error naming the source (file path, variable name) and the cause.
std::string load_api_key(const KeySource& source, const KeyNames& names = {});

}  // namespace flowlens::discovery_pterodactyl
