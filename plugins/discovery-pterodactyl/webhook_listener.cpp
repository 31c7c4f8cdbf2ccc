// SPDX-License-Identifier: BSD-2-Clause
#include "webhook_listener.h"

#include <atomic>

#include "api_key.h"
#include "bearer_auth.h"
#include "host_log.h"
#include "server.h"
#include "server_config.h"

namespace flowlens::discovery_pterodactyl {

namespace {

namespace beast_http = boost::beast::http;

// A Pelican server model with its attributes is a few kB; the shared server's 4 KiB default is
// for GET-only APIs.
constexpr size_t kDefaultWebhookBodyBytes = 64 << 10;
constexpr const char* kDefaultListen = "127.0.0.1:9311";

http::Response answer(beast_http::status status, const std::string& json) {
  http::Response r{status, 11};
  r.set(beast_http::field::content_type, "application/json");
  r.body() = http::SharedText::of(json);
  r.prepare_payload();
  return r;
}

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
  s.secret_inline = c.get_string("secret", "");
  s.secret_file = c.get_string("secret_file", "");
  s.secret_env = c.get_string("secret_env", "");
  const int given = !s.secret_inline.empty() + !s.secret_file.empty() + !s.secret_env.empty();
  if (given != 1)
    c.fail_here(
        "expected exactly one of secret_file, secret_env, secret: Pelican signs nothing, so the "
        "shared secret in a header is what keeps others from triggering resyncs");
  return s;
}

WebhookListener::WebhookListener(const WebhookSettings& settings, sdk::Host host, OnHint on_hint) {
  // The same rules as the API key: trimmed, no control characters, never in a message.
  const std::string secret =
      load_api_key({settings.secret_inline, settings.secret_file, settings.secret_env},
                   {"webhook.secret", "webhook.secret_file", "webhook.secret_env"});
  auto handler = [secret, path = settings.path, header = settings.secret_header, host,
                  on_hint = std::move(on_hint)](const http::Request& req) {
    if (http::target_path(req.target()) != path)
      return answer(beast_http::status::not_found, R"({"error":"not found"})");
    if (req.method() != beast_http::verb::post)
      return answer(beast_http::status::method_not_allowed, R"({"error":"POST only"})");
    const auto given = req.find(header);
    if (given == req.end() || !http::constant_time_equal(given->value(), secret))
      return answer(beast_http::status::unauthorized, R"({"error":"wrong or missing secret"})");
    ResyncHint hint;
    try {
      const auto event = req.find("X-Webhook-Event");
      const std::string_view event_name =
          event == req.end() ? std::string_view{} : std::string_view(event->value());
      hint = parse_webhook(event_name, req.body());
    } catch (const std::invalid_argument&) {
      return answer(beast_http::status::bad_request, R"({"error":"expected a JSON object"})");
    }
    on_hint(hint);
    return answer(beast_http::status::accepted, R"({"resync":"queued"})");
  };
  server_ =
      std::make_unique<http::Server>(settings.server, std::move(handler), http::host_logger(host));
  server_->start();
  for (const auto& ep : server_->local_endpoints()) {
    std::string address = ep.address().to_string();
    if (ep.address().is_v6()) address = "[" + address + "]";
    host.info("webhook hints accepted on http://" + address + ":" + std::to_string(ep.port()) +
              settings.path);
  }
}

WebhookListener::~WebhookListener() {
  stop();
}

void WebhookListener::stop() {
  if (server_) server_->stop();
}

}  // namespace flowlens::discovery_pterodactyl
