// SPDX-License-Identifier: BSD-2-Clause
#include "server_table.h"

namespace flowlens::discovery_docker {

void ServerTable::set_container(const std::string& container_id, sdk::Server server) {
  departed_.erase(server.id);
  live_[container_id] = std::move(server);
}

void ServerTable::container_gone(const std::string& container_id, Clock::time_point now) {
  auto it = live_.find(container_id);
  if (it == live_.end()) return;
  sdk::Server server = std::move(it->second);
  live_.erase(it);
  if (grace_.count() > 0) {
    const std::string id = server.id;
    departed_[id] = Departed{std::move(server), now + grace_};
  }
}

void ServerTable::replace_all(std::map<std::string, sdk::Server> by_container,
                              Clock::time_point now) {
  std::vector<std::string> gone;
  for (const auto& [cid, unused] : live_) {
    if (!by_container.contains(cid)) gone.push_back(cid);
  }
  for (const auto& cid : gone) container_gone(cid, now);
  for (auto& [cid, server] : by_container) set_container(cid, std::move(server));
}

void ServerTable::expire(Clock::time_point now) {
  std::erase_if(departed_, [&](const auto& kv) { return kv.second.until <= now; });
}

std::optional<ServerTable::Clock::time_point> ServerTable::next_expiry() const {
  std::optional<Clock::time_point> next;
  for (const auto& [id, d] : departed_) {
    if (!next || d.until < *next) next = d.until;
  }
  return next;
}

std::map<std::string, sdk::Server> ServerTable::desired() const {
  std::map<std::string, sdk::Server> out;
  for (const auto& [cid, server] : live_) out.emplace(server.id, server);
  for (const auto& [id, d] : departed_) out.emplace(id, d.server);
  return out;
}

std::vector<std::string> ServerTable::duplicate_ids() const {
  std::map<std::string, std::vector<std::string>> containers_by_id;
  for (const auto& [cid, server] : live_) containers_by_id[server.id].push_back(cid);
  std::vector<std::string> out;
  for (const auto& [id, cids] : containers_by_id) {
    if (cids.size() < 2) continue;
    std::string text = id + ": ";
    for (size_t i = 0; i < cids.size(); ++i) {
      if (i > 0) text += i + 1 == cids.size() ? " and " : ", ";
      const auto& server = live_.at(cids[i]);
      text += "container " + (server.name.empty() ? cids[i].substr(0, 12) : server.name) + " (" +
              cids[i].substr(0, 12) + ")";
    }
    out.push_back(std::move(text));
  }
  return out;
}

bool same_server(const sdk::Server& a, const sdk::Server& b) {
  if (a.id != b.id || a.name != b.name || a.labels != b.labels ||
      a.endpoints.size() != b.endpoints.size()) {
    return false;
  }
  for (size_t i = 0; i < a.endpoints.size(); ++i) {
    if (a.endpoints[i].port != b.endpoints[i].port || a.endpoints[i].proto != b.endpoints[i].proto)
      return false;
  }
  return true;
}

}  // namespace flowlens::discovery_docker
