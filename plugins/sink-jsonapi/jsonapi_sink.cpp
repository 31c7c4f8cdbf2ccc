// SPDX-License-Identifier: BSD-2-Clause
#include "jsonapi_sink.h"

#include "host_log.h"
#include "reopen_each.h"

namespace flowlens::jsonapi {

JsonApiSink::JsonApiSink(Config config, std::string version, sdk::Host host)
    : version_(std::move(version)),
      config_(std::make_shared<const Config>(std::move(config))),
      server_(
          host, config_->server, [this](const Request& request) { return handle(request); },
          http::host_logger(host), make_error) {}

JsonApiSink::~JsonApiSink() {
  stop();
}

void JsonApiSink::start() {
  started_ = std::chrono::steady_clock::now();
  // Read here, not in the config parse: check-config needs neither the file nor the variable.
  load_api_key();
  server_.start();
}

void JsonApiSink::reopen() {
  http::reopen_each(
      {{[this] { load_api_key(); }, "the previous API key"}, {[this] { server_.reopen(); }, ""}});
}

void JsonApiSink::load_api_key() {
  const std::shared_ptr<const Config> current = config();
  if (current->auth != AuthMode::kBearer) return;
  auto next = std::make_shared<Config>(*current);
  next->api_key = sdk::load_secret(current->api_key_source);
  std::lock_guard lock(mutex_);
  config_ = std::move(next);
}

std::shared_ptr<const Config> JsonApiSink::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

void JsonApiSink::stop() {
  server_.stop();
}

void JsonApiSink::publish(const Snapshot& snapshot) {
  const std::shared_ptr<const Config> cfg = config();
  swap_state(std::make_shared<const RenderedSnapshot>(snapshot, cfg->include_ips, cfg->gzip),
             nullptr);
}

void JsonApiSink::set_host_status(HostStatus status) {
  swap_state(nullptr, &status);
}

void JsonApiSink::set_host_health(HealthFn fetch) {
  std::lock_guard lock(health_mutex_);
  fetch_health_ = std::move(fetch);
  health_fetched_.reset();
}

void JsonApiSink::refresh_host_status() {
  std::lock_guard lock(health_mutex_);
  if (!fetch_health_) return;
  const auto now = std::chrono::steady_clock::now();
  if (health_fetched_ && now - *health_fetched_ < kHostHealthMaxAge) return;
  health_fetched_ = now;
  HostStatus status = parse_host_status(fetch_health_());
  swap_state(nullptr, &status);
}

void JsonApiSink::swap_state(std::shared_ptr<const RenderedSnapshot> snapshot,
                             const HostStatus* host) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<State>();
  next->received = snapshot ? std::chrono::steady_clock::now() : state_->received;
  next->snapshot = snapshot ? std::move(snapshot) : state_->snapshot;
  next->host = host ? *host : state_->host;
  state_ = std::move(next);
}

std::shared_ptr<const State> JsonApiSink::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

Response JsonApiSink::handle(const Request& request) {
  if (is_health_request(request)) refresh_host_status();
  const std::shared_ptr<const State> current = state();
  const auto now = std::chrono::steady_clock::now();
  const std::shared_ptr<const Config> cfg = config();
  const RouteInputs inputs{*cfg,           *current, now - current->received,
                           now - started_, version_, server_.connection_stats()};
  return route(request, inputs);
}

std::vector<boost::asio::ip::tcp::endpoint> JsonApiSink::local_endpoints() const {
  return server_.local_endpoints();
}

}  // namespace flowlens::jsonapi
