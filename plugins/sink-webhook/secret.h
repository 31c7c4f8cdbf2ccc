/* SPDX-License-Identifier: BSD-2-Clause */
// Secrets (webhook URLs, HMAC keys) from the config, a file or an environment variable.
#pragma once

#include "config.h"

#include <string>

namespace flowlens::webhook {

// The secret's text (a file's content without its trailing newline). Throws std::runtime_error
// naming `what` and the file or variable, never the secret itself.
std::string resolve_secret(const SecretSource& source, const std::string& what);

}  // namespace flowlens::webhook
