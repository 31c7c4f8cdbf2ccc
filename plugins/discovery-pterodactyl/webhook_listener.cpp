// SPDX-License-Identifier: BSD-2-Clause
#include "webhook_listener.h"

#include <atomic>

#include "bearer_auth.h"
#include "host_log.h"
#include "server.h"

namespace flowlens::discovery_pterodactyl {

namespace {

namespace beast_http = boost::beast::http;

http::Response answer(beast_http::status status, const std::string& json) {
  http::Response r{status, 11};
  r.set(beast_http::field::content_type, "application/json");
  r.body() = http::SharedText::of(json);
  r.prepare_payload();
  return r;
}

}  // namespace

WebhookListener::WebhookListener(const WebhookSettings& settings, sdk::Host host, OnHint on_hint) {
  const std::string secret = sdk::load_secret(settings.secret);
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
  server_ = std::make_unique<http::Server>(host, settings.server, std::move(handler),
                                           http::host_logger(host));
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
