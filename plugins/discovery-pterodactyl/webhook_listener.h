/* SPDX-License-Identifier: BSD-2-Clause */
// The optional endpoint Pelican's webhooks are sent to: POST with the shared secret in a header
// (Pelican lets a regular webhook carry custom headers; it signs nothing). Served by the shared
// bounded HTTP server (plugins/http-server). Each accepted call becomes a ResyncHint for the poll
// thread; the answer (202) does not wait for the resync.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <flowlens/sdk/config.hpp>
#include <flowlens/sdk/host.hpp>

#include "options.h"
#include "webhook_hint.h"

namespace flowlens::http {
class Server;
}

namespace flowlens::discovery_pterodactyl {

struct WebhookSettings {
  http::ServerOptions server;
  std::string path = "/pelican";
  std::string secret_header = "X-Webhook-Secret";
  // Where the secret comes from, read in start; exactly one is set.
  std::string secret_inline;
  std::string secret_file;
  std::string secret_env;
};

// The `webhook` section; nullopt-like empty listen when absent is the caller's check (has()).
WebhookSettings parse_webhook_settings(const sdk::Config& section);

class WebhookListener {
 public:
  using OnHint = std::function<void(const ResyncHint&)>;

  // Reads the secret (throws naming its source) and binds (throws naming the address).
  WebhookListener(const WebhookSettings& settings, sdk::Host host, OnHint on_hint);
  ~WebhookListener();
  WebhookListener(const WebhookListener&) = delete;
  WebhookListener& operator=(const WebhookListener&) = delete;

  void stop();

 private:
  std::unique_ptr<http::Server> server_;
};

}  // namespace flowlens::discovery_pterodactyl
