// SPDX-License-Identifier: BSD-2-Clause
#include "docker_discovery.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "api_version.h"
#include "docker_event.h"

namespace flowlens::discovery_docker {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// Reconnect backoff: quick for a dockerd restart, capped so a long outage costs little.
constexpr std::chrono::milliseconds kBackoffFirst{250};
constexpr std::chrono::milliseconds kBackoffMax{30'000};
// A failed list or inspect while the stream stays open (an engine under load): list again soon.
constexpr std::chrono::milliseconds kSyncRetry{1'000};
// Events waiting for the processor; past this a full list replaces them.
constexpr size_t kMaxQueuedEvents = 10'000;
// Problems logged once each; past this many the memory of what was said starts over.
constexpr size_t kMaxRememberedProblems = 10'000;
// +-20 % so that many hosts do not retry in step after a shared outage.
constexpr double kBackoffJitter = 0.2;

std::optional<std::string> env_docker_host() {
  const char* v = std::getenv("DOCKER_HOST");
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

std::string short_id(const std::string& id) {
  return id.substr(0, 12);
}

}  // namespace

DockerDiscovery::DockerDiscovery(sdk::Host host, const sdk::Config& config)
    : host_(host),
      settings_(parse_settings(host, config, env_docker_host())),
      table_(settings_.grace) {}

DockerDiscovery::~DockerDiscovery() {
  stop();
}

void DockerDiscovery::start() {
  io_.restart();
  wake_ = std::make_unique<asio::steady_timer>(io_);
  asio::co_spawn(io_, process(), asio::detached);
  asio::co_spawn(io_, connect_loop(), asio::detached);
  thread_ = sdk::Thread(host_, "io", [this] { io_.run(); });
  host_.info("watching containers at " + settings_.docker_host.uri);
}

void DockerDiscovery::stop() {
  if (!thread_.joinable()) return;
  io_.stop();
  thread_.join();
  host_.replace_servers({});
  published_.clear();
}

asio::awaitable<void> DockerDiscovery::connect_loop() {
  std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(1 - kBackoffJitter, 1 + kBackoffJitter);
  auto backoff = kBackoffFirst;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    const uint64_t serial_before = stream_serial_;
    try {
      co_await session();
      report_down("the engine closed the event stream");
    } catch (const std::exception& e) {
      report_down(e.what());
    }
    api_.clear();
    // A stream that had opened means the engine was there: retry quickly (a dockerd restart).
    if (stream_serial_ != serial_before) backoff = kBackoffFirst;
    timer.expires_after(
        std::chrono::duration_cast<std::chrono::milliseconds>(backoff * jitter(rng)));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    backoff = std::min(backoff * 2, kBackoffMax);
  }
}

void DockerDiscovery::report_down(const std::string& why) {
  if (down_reported_) {
    host_.debug("docker still unreachable: " + why);
    return;
  }
  down_reported_ = true;
  host_.warn("lost docker at " + settings_.docker_host.uri + ": " + why + "; keeping the " +
             std::to_string(published_.size()) + " servers known, reconnecting");
  host_.set_status("degraded", "docker unreachable at " + settings_.docker_host.uri + ": " + why +
                                   "; the last " + std::to_string(published_.size()) +
                                   " servers are kept");
  try {
    host_.emit(FLOWLENS_EVENT_CUSTOM, "docker unreachable: " + why);
  } catch (const std::exception&) {  // an event that cannot be queued changes nothing here
  }
}

asio::awaitable<void> DockerDiscovery::session() {
  EngineClient client(co_await asio::this_coro::executor, settings_.docker_host);
  // Version per connection: dockerd may have been upgraded while we were away.
  const EngineAnswer ping = co_await client.get("/_ping");
  if (ping.status != 200) throw std::runtime_error("/_ping: HTTP " + std::to_string(ping.status));
  const boost::json::value version = co_await client.get_json("/version");
  std::string server_api = ping.api_version;
  std::string server_min;
  if (version.is_object()) {
    const auto& v = version.get_object();
    if (const auto* a = v.if_contains("ApiVersion"); a && a->is_string() && server_api.empty())
      server_api = std::string(a->get_string());
    if (const auto* m = v.if_contains("MinAPIVersion"); m && m->is_string())
      server_min = std::string(m->get_string());
  }
  // Appended, not "v" + text(): GCC 12 at -O3 reports a false -Wrestrict inside libstdc++ for a
  // literal prepended to a temporary string.
  std::string api = "v";
  api += negotiate_api_version(server_api, server_min).text();
  const std::string target =
      "/" + api + "/events?filters=" + url_encode(event_filters_json(settings_.mapper.labels));
  co_await client.stream_lines(
      target,
      [&] {
        // Events older than this stream are covered by the full list it triggers.
        queue_.clear();
        api_ = api;
        ++stream_serial_;
        wake_->cancel();
      },
      [&](std::string_view line) {
        try {
          if (queue_.size() >= kMaxQueuedEvents) {
            // The processor is far behind (a slow engine under a burst of events): a full list
            // says the same in one request.
            queue_.clear();
            ++stream_serial_;
          }
          queue_.push_back(parse_event_line(line));
          wake_->cancel();
        } catch (const std::exception& e) {
          const std::string text(line.substr(0, 200));
          host_.warn("ignoring an event from docker: " + std::string(e.what()) + ": " + text);
        }
      });
}

asio::awaitable<void> DockerDiscovery::process() {
  EngineClient client(co_await asio::this_coro::executor, settings_.docker_host);
  uint64_t synced_serial = 0;
  Clock::time_point next_sync = Clock::time_point::max();
  for (;;) {
    try {
      if (!api_.empty() && (synced_serial != stream_serial_ || Clock::now() >= next_sync)) {
        const uint64_t serial = stream_serial_;
        co_await full_sync(client, api_);
        const bool reconnected = serial != synced_serial;
        synced_serial = serial;
        next_sync = Clock::now() + settings_.interval;
        if (reconnected && (down_reported_ || !connected_once_)) {
          host_.info("connected to docker at " + settings_.docker_host.uri + " (API " +
                     api_.substr(1) + "): " + std::to_string(published_.size()) + " servers");
          host_.set_status("ok", "connected to docker at " + settings_.docker_host.uri + " (API " +
                                     api_.substr(1) + ")");
        }
        down_reported_ = false;
        connected_once_ = true;
        sync_failure_reported_ = false;
      }
      while (!api_.empty() && synced_serial == stream_serial_ && !queue_.empty()) {
        DockerEvent event = std::move(queue_.front());
        queue_.pop_front();
        co_await apply(client, api_, event);
      }
    } catch (const std::exception& e) {
      // The list or an inspect failed: the stream decides whether the engine is gone; re-list
      // at the next wake-up either way.
      const std::string text = std::string("docker: ") + e.what() + "; listing again in " +
                               std::to_string(kSyncRetry.count()) + " ms";
      // Once until a list succeeds again, not once a second.
      if (sync_failure_reported_) {
        host_.debug(text);
      } else {
        host_.warn(text);
        sync_failure_reported_ = true;
      }
      synced_serial = stream_serial_;
      next_sync = Clock::now() + kSyncRetry;
    }
    table_.expire(Clock::now());
    publish();
    if (!api_.empty() && synced_serial == stream_serial_ && !queue_.empty()) continue;
    Clock::time_point wake_at = api_.empty() ? Clock::time_point::max() : next_sync;
    if (synced_serial != stream_serial_ && !api_.empty()) wake_at = Clock::now();
    if (auto expiry = table_.next_expiry()) wake_at = std::min(wake_at, *expiry);
    wake_->expires_at(wake_at);
    boost::system::error_code ec;
    co_await wake_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<std::optional<ContainerFacts>> DockerDiscovery::inspect(EngineClient& client,
                                                                        std::string api,
                                                                        const std::string& id) {
  const std::string target = "/" + api + "/containers/" + url_encode(id) + "/json";
  EngineAnswer answer = co_await client.get(target);
  if (answer.status == 404) co_return std::nullopt;  // removed meanwhile
  if (answer.status != 200) {
    throw std::runtime_error(target + ": HTTP " + std::to_string(answer.status));
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(answer.body, ec);
  if (ec) throw std::runtime_error(target + ": answer is not JSON (" + ec.message() + ")");
  ContainerFacts facts = facts_from_inspect(v);
  inspect_cache_[facts.id] = *facts.details;
  co_return facts;
}

void DockerDiscovery::take(const ContainerFacts& facts, std::map<std::string, sdk::Server>* into) {
  if (!selected(facts, settings_.mapper)) return;
  MapOutcome outcome = map_container(facts, settings_.mapper);
  if (outcome.server) {
    (*into)[facts.id] = std::move(*outcome.server);
    return;
  }
  const std::string text = "container " + facts.name + " (" + short_id(facts.id) +
                           ") matches the selection but is not watched: " + outcome.problem;
  remember_and_warn(text);
}

void DockerDiscovery::remember_and_warn(const std::string& text) {
  if (reported_.size() >= kMaxRememberedProblems) reported_.clear();
  if (reported_.insert(text).second) host_.warn(text);
}

asio::awaitable<void> DockerDiscovery::full_sync(EngineClient& client, std::string api) {
  const std::string target = "/" + api + "/containers/json?filters=" +
                             url_encode(list_filters_json(settings_.mapper.labels));
  const boost::json::value answer = co_await client.get_json(target);
  std::vector<ContainerFacts> list;
  try {
    list = facts_from_list(answer);
  } catch (const AnswerError& e) {
    throw std::runtime_error(target + ": " + e.what());
  }
  std::map<std::string, sdk::Server> by_container;
  std::map<std::string, InspectDetails> still_there;
  for (ContainerFacts& facts : list) {
    if (!selected(facts, settings_.mapper)) continue;
    if (needs_inspect(facts, settings_.mapper)) {
      if (auto cached = inspect_cache_.find(facts.id); cached != inspect_cache_.end()) {
        facts.details = cached->second;
      } else {
        std::optional<ContainerFacts> fresh;
        try {
          fresh = co_await inspect(client, api, facts.id);
        } catch (const AnswerError& e) {
          host_.warn(std::string("skipping a container docker describes badly: ") + e.what());
          continue;
        }
        if (!fresh) continue;  // removed since the list
        // The list's own fields stay (its Ports are what the issue maps); inspect adds the rest.
        facts.details = std::move(fresh->details);
      }
      still_there[facts.id] = *facts.details;
    }
    take(facts, &by_container);
  }
  inspect_cache_ = std::move(still_there);
  table_.replace_all(std::move(by_container), Clock::now());
  publish();
}

asio::awaitable<void> DockerDiscovery::apply(EngineClient& client, std::string api,
                                             const DockerEvent& event) {
  if (event.type != "container") co_return;
  const auto now = Clock::now();
  if (event.action == "die" || event.action == "destroy") {
    table_.container_gone(event.id, now);
    if (event.action == "destroy") inspect_cache_.erase(event.id);
    co_return;
  }
  if (event.action != "start" && event.action != "rename" && event.action != "pause" &&
      event.action != "unpause") {
    co_return;
  }
  std::optional<ContainerFacts> facts;
  try {
    facts = co_await inspect(client, api, event.id);
  } catch (const AnswerError& e) {
    host_.warn(std::string("skipping a container docker describes badly: ") + e.what());
    co_return;
  }
  std::map<std::string, sdk::Server> mapped;
  if (facts && facts->state != "exited" && facts->state != "dead") take(*facts, &mapped);
  if (auto it = mapped.find(event.id); it != mapped.end()) {
    table_.set_container(event.id, std::move(it->second));
  } else {
    table_.container_gone(event.id, now);
  }
}

void DockerDiscovery::publish() {
  for (const std::string& dup : table_.duplicate_ids()) {
    const std::string text = "several containers map to server id " + dup + "; watching the first";
    remember_and_warn(text);
  }
  std::map<std::string, sdk::Server> desired = table_.desired();
  try {
    if (!published_once_) {
      std::vector<sdk::Server> all;
      for (const auto& [id, server] : desired) all.push_back(server);
      host_.replace_servers(all);
      published_once_ = true;
      published_ = std::move(desired);
      return;
    }
    std::vector<std::string> removed;
    for (const auto& [id, server] : published_) {
      if (!desired.contains(id)) removed.push_back(id);
    }
    std::vector<sdk::Server> changed;
    for (const auto& [id, server] : desired) {
      auto it = published_.find(id);
      if (it == published_.end() || !same_server(it->second, server)) changed.push_back(server);
    }
    if (!removed.empty()) host_.remove_servers(removed);
    if (!changed.empty()) host_.add_servers(changed);
    published_ = std::move(desired);
  } catch (const std::exception& e) {
    host_.error(std::string("publishing servers failed: ") + e.what());
  }
}

}  // namespace flowlens::discovery_docker
