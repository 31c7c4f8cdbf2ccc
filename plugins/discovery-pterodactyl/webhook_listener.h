/* SPDX-License-Identifier: BSD-2-Clause */
// The optional endpoint Pelican's webhooks are sent to: POST with the shared secret in a header
// (Pelican lets a regular webhook carry custom headers; it signs nothing). Served by the shared
// bounded HTTP server (plugins/http-server). Each accepted call becomes a ResyncHint for the poll
// thread; the answer (202) does not wait for the resync.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <flowlens/sdk/host.hpp>

#include "webhook_hint.h"
#include "webhook_settings.h"

namespace flowlens::http {
class Server;
}

namespace flowlens::discovery_pterodactyl {

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
