// SPDX-License-Identifier: BSD-2-Clause
#include "pterodactyl_discovery.h"

#include <algorithm>
#include <exception>

#include "local_addresses.h"
#include "node_match.h"
#include "server_mapping.h"
#include "wings_config.h"

namespace flowlens::discovery_pterodactyl {

namespace {

using Clock = std::chrono::steady_clock;

// Hinted servers re-read one by one; more pending than this and one whole-list sync is cheaper.
constexpr size_t kMaxServerResyncs = 5;

bool same(const std::vector<sdk::Server>& a, const std::vector<sdk::Server>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const sdk::Server& x = a[i];
    const sdk::Server& y = b[i];
    if (x.id != y.id || x.name != y.name || x.labels != y.labels ||
        x.endpoints.size() != y.endpoints.size())
      return false;
    for (size_t k = 0; k < x.endpoints.size(); ++k)
      if (x.endpoints[k].port != y.endpoints[k].port ||
          x.endpoints[k].proto != y.endpoints[k].proto)
        return false;
  }
  return true;
}

}  // namespace

PterodactylDiscovery::PterodactylDiscovery(sdk::Host host, const sdk::Config& config)
    : host_(host),
      settings_(parse_settings(config)),
      interval_(settings_.interval.value_or(host.discovery_interval())),
      failures_(host) {}

PterodactylDiscovery::~PterodactylDiscovery() {
  stop();
}

void PterodactylDiscovery::start() {
  api_key_ = sdk::load_secret(settings_.key);
  stopping_ = false;
  if (settings_.webhook)
    webhook_ = std::make_unique<WebhookListener>(*settings_.webhook, host_,
                                                 [this](const ResyncHint& hint) { on_hint(hint); });
  thread_ = sdk::Thread(host_, "poll", [this] { run(); });
}

void PterodactylDiscovery::on_hint(const ResyncHint& hint) {
  {
    std::lock_guard lock(mu_);
    if (hint.server_uuid && hinted_servers_.size() < kMaxServerResyncs) {
      hinted_servers_.insert(*hint.server_uuid);
    } else {
      hinted_full_ = true;
    }
  }
  wake_.notify_all();
}

void PterodactylDiscovery::stop() {
  if (webhook_) webhook_->stop();  // no hint arrives once the thread is gone
  webhook_.reset();
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (published_) host_.replace_servers({});
  published_.reset();
}

bool PterodactylDiscovery::wait_for_next(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, d,
                 [this] { return stopping_.load() || hinted_full_ || !hinted_servers_.empty(); });
  return !stopping_;
}

bool PterodactylDiscovery::wait(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, d, [this] { return stopping_.load(); });
  return !stopping_;
}

void PterodactylDiscovery::run() {
  HttpOptions options;
  options.connect_timeout = settings_.connect_timeout;
  options.request_timeout = settings_.request_timeout;
  options.max_response_bytes = settings_.max_response_bytes;
  options.allow_http = settings_.allow_http;
  options.tls_verify = settings_.tls_verify;
  options.ca_file = settings_.ca_file;
  // Only setup (a libcurl handle, memory) throws out of here: sync catches everything else,
  // and sdk::Thread reports it, marking the instance failed.
  HttpClient http(options, stopping_);
  PanelClient client(settings_.url, api_key_, settings_.max_pages, http,
                     [this](std::chrono::milliseconds d) { return wait(d); });
  host_.info("listing servers from " + settings_.url + " every " +
             std::to_string(interval_.count()) + " ms");
  sync(client);
  auto next_full = Clock::now() + interval_;
  while (wait_for_next(std::chrono::duration_cast<std::chrono::milliseconds>(
      std::max(next_full - Clock::now(), Clock::duration::zero())))) {
    std::set<std::string> servers;
    bool full = Clock::now() >= next_full;
    {
      std::lock_guard lock(mu_);
      servers.swap(hinted_servers_);
      full = full || hinted_full_;
      hinted_full_ = false;
    }
    // Before a first good list there is nothing to update one server in.
    if (full || !published_) {
      sync(client);
      next_full = Clock::now() + interval_;
      continue;
    }
    for (const std::string& uuid : servers) resync_server(client, uuid);
  }
}

void PterodactylDiscovery::publish(std::vector<sdk::Server> servers, const std::string& why) {
  std::sort(servers.begin(), servers.end(),
            [](const sdk::Server& a, const sdk::Server& b) { return a.id < b.id; });
  if (published_ && same(*published_, servers)) return;
  host_.replace_servers(servers);
  host_.info("node " + std::to_string(*node_) + ": " + std::to_string(servers.size()) +
             " servers watched " + why);
  published_ = std::move(servers);
}

void PterodactylDiscovery::resync_server(PanelClient& client, const std::string& uuid) {
  try {
    const std::optional<PanelServer> server = client.server_by_uuid(uuid);
    std::vector<sdk::Server> next;
    for (const sdk::Server& s : *published_) {
      const auto it = s.labels.find("uuid");
      if (it == s.labels.end() || it->second != uuid) next.push_back(s);
    }
    if (server) {
      MappedServers mapped = map_servers({*server}, *node_, settings_.mapping);
      for (sdk::Server& s : mapped.servers) {
        const bool taken = std::any_of(next.begin(), next.end(),
                                       [&](const sdk::Server& o) { return o.id == s.id; });
        if (taken) {
          host_.warn("webhook hint: server " + uuid + " has the id '" + s.id +
                     "' of another server; left to the next full list");
          return;
        }
        next.push_back(std::move(s));
      }
    }
    failures_.succeeded();
    publish(std::move(next), "(after a webhook hint for " + uuid + ")");
  } catch (const SyncError& e) {
    if (e.kind() != "stopped") failures_.failed(e.kind(), e.what());
  } catch (const std::exception& e) {
    failures_.failed("internal", std::string("resync of ") + uuid + " failed: " + e.what());
  }
}

int64_t PterodactylDiscovery::resolve_node(PanelClient& client) {
  if (settings_.node_id) return *settings_.node_id;
  for (const std::string& path : settings_.wings_configs) {
    std::optional<std::string> uuid;
    try {
      uuid = read_wings_uuid_file(path);
    } catch (const std::exception& e) {
      throw SyncError("node", e.what());
    }
    if (!uuid) continue;
    const std::optional<PanelNode> node = client.node_by_uuid(*uuid);
    if (!node)
      throw SyncError("node", "the panel has no node with uuid " + *uuid + " (from " + path +
                                  "); is this Wings registered with this panel? or set node_id");
    host_.info("this host is node " + std::to_string(node->id) + " ('" + node->name +
               "'), by the uuid in " + path);
    return node->id;
  }
  try {
    const std::vector<PanelNode> nodes = client.list_nodes();
    const int64_t id = node_for_this_host(
        nodes, [this](const std::string& fqdn) { return resolve_host(fqdn, stopping_); },
        local_addresses());
    for (const PanelNode& n : nodes)
      if (n.id == id)
        host_.info("this host is node " + std::to_string(id) + " ('" + n.name + "'): its fqdn " +
                   n.fqdn + " resolves to an address of this host");
    return id;
  } catch (const SyncError&) {
    throw;
  } catch (const std::exception& e) {
    throw SyncError("node", e.what());
  }
}

void PterodactylDiscovery::sync(PanelClient& client) {
  try {
    if (!node_) node_ = resolve_node(client);
    const auto started = Clock::now();
    ListStats stats;
    const std::vector<PanelServer> panel = client.list_servers(&stats);
    MappedServers mapped = map_servers(panel, *node_, settings_.mapping);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    for (const std::string& why : mapped.skipped)
      if (skipped_logged_.insert(why).second) host_.warn(why);
    failures_.succeeded();
    // Appended, not "(" + to_string(): GCC 12 at -O3 reports a false -Wrestrict inside libstdc++
    // for a literal prepended to a temporary string.
    std::string counts = "(";
    counts += std::to_string(panel.size()) + " on the panel, " + std::to_string(stats.pages) +
              " pages, " + std::to_string(took.count()) + " ms)";
    publish(std::move(mapped.servers), counts);
  } catch (const SyncError& e) {
    if (e.kind() != "stopped") failures_.failed(e.kind(), e.what());
  } catch (const std::exception& e) {
    failures_.failed("internal", std::string("sync failed: ") + e.what());
  }
}

}  // namespace flowlens::discovery_pterodactyl
