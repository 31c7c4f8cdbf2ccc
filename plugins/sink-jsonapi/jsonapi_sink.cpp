// SPDX-License-Identifier: BSD-2-Clause
#include "jsonapi_sink.h"

#include "host_log.h"

namespace flowlens::jsonapi {

JsonApiSink::JsonApiSink(Config config, std::string version, sdk::Host host)
    : config_(std::move(config)),
      version_(std::move(version)),
      server_(
          host, config_.server, [this](const Request& request) { return handle(request); },
          http::host_logger(host), make_error) {}

JsonApiSink::~JsonApiSink() {
  stop();
}

void JsonApiSink::start() {
  started_ = std::chrono::steady_clock::now();
  // Read here, not in the config parse: check-config needs neither the file nor the variable.
  if (config_.auth == AuthMode::kBearer) config_.api_key = sdk::load_secret(config_.api_key_source);
  server_.start();
}

void JsonApiSink::stop() {
  server_.stop();
}

void JsonApiSink::publish(const Snapshot& snapshot) {
  swap_state(std::make_shared<const RenderedSnapshot>(snapshot, config_.include_ips, config_.gzip),
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
  const RouteInputs inputs{config_,        *current, now - current->received,
                           now - started_, version_, server_.connection_stats()};
  return route(request, inputs);
}

std::vector<boost::asio::ip::tcp::endpoint> JsonApiSink::local_endpoints() const {
  return server_.local_endpoints();
}

}  // namespace flowlens::jsonapi
