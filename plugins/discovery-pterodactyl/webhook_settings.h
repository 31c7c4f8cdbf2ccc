/* SPDX-License-Identifier: BSD-2-Clause */
// The `webhook` section of the plugin's config: where Pelican's webhooks are received and the
// shared secret they carry. Parsed in create with the rest of the settings; the listener that
// serves it is webhook_listener.h.
#pragma once

#include <string>

#include <flowlens/sdk/config.hpp>
#include <flowlens/sdk/secret.hpp>

#include "options.h"

namespace flowlens::discovery_pterodactyl {

struct WebhookSettings {
  http::ServerOptions server;
  std::string path = "/pelican";
  std::string secret_header = "X-Webhook-Secret";
  // secret, secret_file or secret_env (exactly one), read in start.
  sdk::SecretSource secret;
};

// The `webhook` section; nullopt-like empty listen when absent is the caller's check (has()).
WebhookSettings parse_webhook_settings(const sdk::Config& section);

}  // namespace flowlens::discovery_pterodactyl
