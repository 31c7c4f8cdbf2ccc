// SPDX-License-Identifier: BSD-2-Clause
#include "webhook_settings.h"

#include "server_config.h"

namespace flowlens::discovery_pterodactyl {

namespace {

// A Pelican server model with its attributes is a few kB; the shared server's 4 KiB default is
// for GET-only APIs.
constexpr size_t kDefaultWebhookBodyBytes = 64 << 10;
constexpr const char* kDefaultListen = "127.0.0.1:9311";

}  // namespace

WebhookSettings parse_webhook_settings(const sdk::Config& c) {
  c.allow_only({"listen", "threads", "limits", "path", "secret_header", "secret", "secret_file",
                "secret_env"});
  WebhookSettings s;
  s.server = http::read_server_options(c, "discovery-pterodactyl webhook", kDefaultListen);
  if (!c.section("limits").has("max_body_bytes"))
    s.server.limits.max_body_bytes = kDefaultWebhookBodyBytes;
  s.path = c.get_string("path", s.path);
  if (s.path.empty() || s.path.front() != '/')
    c.fail("path", "expected a path starting with '/', got '" + s.path + "'");
  s.secret_header = c.get_string("secret_header", s.secret_header);
  if (s.secret_header.empty()) c.fail("secret_header", "expected a header name");
  s.secret = sdk::read_secret_source(c, "secret", false);
  if (s.secret.empty())
    c.fail_here(
        "expected exactly one of secret_file, secret_env, secret: Pelican signs nothing, so the "
        "shared secret in a header is what keeps others from triggering resyncs");
  return s;
}

}  // namespace flowlens::discovery_pterodactyl
