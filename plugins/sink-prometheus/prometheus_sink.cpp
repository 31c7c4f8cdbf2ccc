// SPDX-License-Identifier: BSD-2-Clause
#include "prometheus_sink.h"

#include "bearer_auth.h"
#include "exposition.h"
#include "host_log.h"
#include "reopen_each.h"

#include <boost/beast/http/field.hpp>
#include <boost/json/parse.hpp>

namespace flowlens::prometheus_sink {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view kServerName = "flowlens-prometheus";

http::Response text_response(bhttp::status status, http::SharedText body,
                             const http::Request& request, std::string_view content_type) {
  http::Response res{status, request.version()};
  res.set(bhttp::field::server, kServerName);
  res.set(bhttp::field::content_type, content_type);
  res.set(bhttp::field::cache_control, "no-store");
  const std::size_t length = body.text.size();
  if (request.method() != bhttp::verb::head) res.body() = std::move(body);
  res.content_length(length);
  return res;
}

http::Response plain(bhttp::status status, std::string message, const http::Request& request) {
  return text_response(status, http::SharedText::of(std::move(message) + "\n"), request,
                       "text/plain; charset=utf-8");
}

boost::json::object parse_object(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  // A host bug must not take /metrics down with it: no health series, the servers still there.
  if (ec || !v.is_object()) return {};
  return std::move(v.get_object());
}

}  // namespace

PrometheusSink::PrometheusSink(Config config, std::string version, sdk::Host host)
    : version_(std::move(version)),
      config_(std::make_shared<const Config>(std::move(config))),
      server_(
          host, config_->server, [this](const http::Request& request) { return handle(request); },
          http::host_logger(host)) {}

PrometheusSink::~PrometheusSink() {
  stop();
}

void PrometheusSink::start() {
  // Read here, not in the config parse: check-config needs neither the file nor the variable.
  load_bearer_token();
  server_.start();
}

void PrometheusSink::reopen() {
  http::reopen_each({{[this] { load_bearer_token(); }, "the previous bearer token"},
                     {[this] { server_.reopen(); }, ""}});
}

void PrometheusSink::load_bearer_token() {
  const std::shared_ptr<const Config> current = config();
  if (current->bearer_token_source.empty()) return;
  auto next = std::make_shared<Config>(*current);
  next->bearer_token = sdk::load_secret(current->bearer_token_source);
  std::lock_guard lock(mutex_);
  config_ = std::move(next);
}

std::shared_ptr<const Config> PrometheusSink::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

void PrometheusSink::stop() {
  server_.stop();
}

void PrometheusSink::publish(const sdk::Snapshot& snapshot) {
  auto next = std::make_shared<Rendered>();
  next->text = render_servers(snapshot, config()->series);
  next->timestamp_unix_ms = snapshot.timestamp_unix_ms;
  std::lock_guard lock(mutex_);
  rendered_ = std::move(next);
}

void PrometheusSink::set_host_health(HealthFn fetch) {
  std::lock_guard lock(health_mutex_);
  fetch_health_ = std::move(fetch);
  health_fetched_.reset();
}

std::string PrometheusSink::health_text() {
  std::string host_json;
  {
    std::lock_guard lock(health_mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (fetch_health_ && (!health_fetched_ || now - *health_fetched_ >= kHostHealthMaxAge)) {
      health_fetched_ = now;
      health_json_ = fetch_health_();
    }
    host_json = health_json_;
  }
  std::shared_ptr<const Rendered> rendered;
  {
    std::lock_guard lock(mutex_);
    rendered = rendered_;
  }
  const boost::json::object host = parse_object(host_json);
  return render_health(
      {host, rendered ? std::optional<int64_t>(rendered->timestamp_unix_ms) : std::nullopt,
       std::chrono::system_clock::now(), version_, config()->series.node,
       server_.connection_stats()});
}

http::Response PrometheusSink::handle(const http::Request& request) {
  const std::string_view path = http::target_path(request.target());
  if (path == "/") {
    if (request.method() != bhttp::verb::get && request.method() != bhttp::verb::head) {
      return plain(bhttp::status::method_not_allowed, "method not allowed", request);
    }
    return plain(bhttp::status::ok, "flowlens sink-prometheus: metrics at /metrics", request);
  }
  if (path != kMetricsPath) return plain(bhttp::status::not_found, "not found", request);
  if (request.method() != bhttp::verb::get && request.method() != bhttp::verb::head) {
    http::Response res = plain(bhttp::status::method_not_allowed, "method not allowed", request);
    res.set(bhttp::field::allow, "GET, HEAD");
    return res;
  }
  if (const std::shared_ptr<const Config> cfg = config(); !cfg->bearer_token.empty()) {
    const auto it = request.find(bhttp::field::authorization);
    if (it == request.end() || !http::bearer_matches(it->value(), cfg->bearer_token)) {
      http::Response res = plain(bhttp::status::unauthorized, "unauthorized", request);
      res.set(bhttp::field::www_authenticate, "Bearer realm=\"flowlens\"");
      return res;
    }
  }
  std::shared_ptr<const Rendered> rendered;
  {
    std::lock_guard lock(mutex_);
    rendered = rendered_;
  }
  // Before the first tick there are no server series at all (not zeros); health says why.
  std::string body = rendered ? rendered->text : std::string();
  body += health_text();
  return text_response(bhttp::status::ok, http::SharedText::of(std::move(body)), request,
                       kContentType);
}

std::vector<boost::asio::ip::tcp::endpoint> PrometheusSink::local_endpoints() const {
  return server_.local_endpoints();
}

}  // namespace flowlens::prometheus_sink
