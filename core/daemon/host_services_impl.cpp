// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/host_services_impl.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace flowlens::daemon {

namespace {

// A plugin's server must be usable as a key and a port owner; say which field is wrong.
void validate(const std::string& instance, const std::vector<model::Server>& servers) {
  for (size_t i = 0; i < servers.size(); ++i) {
    const auto& s = servers[i];
    if (s.id.empty()) throw std::invalid_argument("servers[" + std::to_string(i) + "].id is empty");
    for (const auto& ep : s.endpoints)
      if (ep.port == 0) throw std::invalid_argument("server '" + s.id + "': port 0 is not a port");
  }
  spdlog::debug("{}: published {} servers", instance, servers.size());
}

}  // namespace

void HostServicesImpl::set_event_handler(EventFn fn) {
  std::lock_guard lock(mu_);
  on_event_ = std::move(fn);
}

void HostServicesImpl::set_health_provider(HealthFn fn) {
  std::lock_guard lock(mu_);
  health_ = std::move(fn);
}

void HostServicesImpl::set_status(const std::string& instance, std::string status,
                                  std::string detail) {
  std::lock_guard lock(status_mu_);
  Status& s = statuses_[instance];
  s.status = std::move(status);
  s.detail = std::move(detail);
}

void HostServicesImpl::report_failure(const std::string& instance, std::string message) {
  {
    std::lock_guard lock(status_mu_);
    std::string& failure = statuses_[instance].failure;
    // Once: a plugin whose threads all fail, or that reports from a loop, is still one problem.
    if (!failure.empty()) return;
    failure = message.empty() ? "(no message)" : std::move(message);
    message = failure;
  }
  spdlog::error("[{}] failed: {}; shown as failed in the health until it is restarted", instance,
                message);
}

void HostServicesImpl::forget(const std::string& instance) {
  std::lock_guard lock(status_mu_);
  statuses_.erase(instance);
}

std::map<std::string, HostServicesImpl::Status> HostServicesImpl::statuses() const {
  std::lock_guard lock(status_mu_);
  return statuses_;
}

void HostServicesImpl::set_registry_listener(ChangeFn fn) {
  std::lock_guard lock(mu_);
  on_registry_change_ = std::move(fn);
}

void HostServicesImpl::hold_servers(const std::string& instance, bool hold) {
  std::lock_guard lock(mu_);
  if (hold)
    held_.insert(instance);
  else
    held_.erase(instance);
}

bool HostServicesImpl::held(const std::string& instance) {
  std::lock_guard lock(mu_);
  if (!held_.contains(instance)) return false;
  spdlog::debug("{}: servers published while it stops for a restart are not applied", instance);
  return true;
}

void HostServicesImpl::registry_changed() {
  ChangeFn fn;
  {
    std::lock_guard lock(mu_);
    fn = on_registry_change_;
  }
  if (fn) fn();
}

void HostServicesImpl::publish_snapshot(model::SnapshotPtr snapshot) {
  std::lock_guard lock(mu_);
  latest_ = std::move(snapshot);
}

void HostServicesImpl::log(const std::string& instance, plugin_host::LogLevel level,
                           std::string_view message) {
  using plugin_host::LogLevel;
  spdlog::level::level_enum lvl = spdlog::level::info;
  switch (level) {
    case LogLevel::kTrace:
      lvl = spdlog::level::trace;
      break;
    case LogLevel::kDebug:
      lvl = spdlog::level::debug;
      break;
    case LogLevel::kInfo:
      lvl = spdlog::level::info;
      break;
    case LogLevel::kWarn:
      lvl = spdlog::level::warn;
      break;
    case LogLevel::kError:
      lvl = spdlog::level::err;
      break;
  }
  spdlog::log(lvl, "[{}] {}", instance, message);
}

void HostServicesImpl::add_servers(const std::string& instance,
                                   std::vector<model::Server> servers) {
  validate(instance, servers);
  if (held(instance)) return;
  for (auto& s : servers) registry_.add(instance, std::move(s));
  registry_changed();
}

void HostServicesImpl::remove_servers(const std::string& instance, std::vector<std::string> ids) {
  if (held(instance)) return;
  for (const auto& id : ids) registry_.remove(instance, id);
  registry_changed();
}

void HostServicesImpl::replace_servers(const std::string& instance,
                                       std::vector<model::Server> servers) {
  validate(instance, servers);
  if (held(instance)) return;
  registry_.replace_all(instance, std::move(servers));
  registry_changed();
}

void HostServicesImpl::emit_event(const std::string& instance, plugin_host::Event event) {
  EventFn fn;
  {
    std::lock_guard lock(mu_);
    fn = on_event_;
  }
  spdlog::info("event from {}: {}", instance, event.message);
  if (fn) fn(event);
}

model::SnapshotPtr HostServicesImpl::latest_snapshot() {
  std::lock_guard lock(mu_);
  return latest_;
}

std::string HostServicesImpl::health_json() {
  HealthFn fn;
  {
    // Copied out so the provider runs without mu_: it must not hold up snapshot publishing.
    std::lock_guard lock(mu_);
    fn = health_;
  }
  return fn ? fn() : std::string("{}");
}

}  // namespace flowlens::daemon
