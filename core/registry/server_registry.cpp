// SPDX-License-Identifier: BSD-2-Clause
#include "registry/server_registry.h"

#include <algorithm>
#include <set>

#include "model/server_spec.h"

namespace flowlens::registry {

void ServerRegistry::add(const std::string& source, model::Server server) {
  std::lock_guard lock(mu_);
  model::Server& slot = by_source_[source][server.id];
  // A rescan that republishes what is there already changes nothing downstream.
  if (slot == server) return;
  slot = std::move(server);
  ++generation_;
}

void ServerRegistry::remove(const std::string& source, const std::string& server_id) {
  std::lock_guard lock(mu_);
  auto it = by_source_.find(source);
  if (it != by_source_.end() && it->second.erase(server_id) > 0) ++generation_;
}

void ServerRegistry::replace_all(const std::string& source, std::vector<model::Server> servers) {
  std::map<std::string, model::Server> table;
  for (auto& s : servers) {
    std::string id = s.id;
    table[id] = std::move(s);
  }
  std::lock_guard lock(mu_);
  auto& current = by_source_[source];
  // Polling discovery republishes its whole set every interval; only a real change counts.
  if (current == table) return;
  current = std::move(table);
  ++generation_;
}

void ServerRegistry::drop_source(const std::string& source) {
  std::lock_guard lock(mu_);
  if (by_source_.erase(source) > 0) ++generation_;
}

uint64_t ServerRegistry::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

MergedView ServerRegistry::merged() const {
  std::lock_guard lock(mu_);
  MergedView view;
  view.generation = generation_;
  std::map<std::string, std::string> id_owner;        // server id -> source that owns it
  std::map<model::Endpoint, std::string> port_owner;  // endpoint -> "source/id"
  // std::map iterates sources and ids in sorted order, which is what makes the merge deterministic.
  for (const auto& [source, table] : by_source_) {
    for (const auto& [id, server] : table) {
      if (auto owner = id_owner.find(id); owner != id_owner.end()) {
        view.conflicts.push_back({source, "server '" + id + "' is published by both '" +
                                              owner->second + "' and '" + source + "'; keeping '" +
                                              owner->second + "'"});
        continue;
      }
      id_owner[id] = source;
      model::Server kept = server;
      kept.endpoints.clear();
      std::set<model::Endpoint> seen;
      for (const auto& ep : server.endpoints) {
        if (!seen.insert(ep).second) continue;
        std::string who = source + "/" + id;
        auto [it, inserted] = port_owner.emplace(ep, who);
        if (inserted) {
          kept.endpoints.push_back(ep);
        } else {
          view.conflicts.push_back({source, "port " + model::to_string(ep) +
                                                " is claimed by both " + it->second + " and " +
                                                who + "; keeping " + it->second});
          // Without the port its players are not seen: its count would be a confident 0.
          std::string& why = view.incomplete[id];
          why += (why.empty() ? "" : "; ") + model::to_string(ep) + " belongs to " + it->second;
        }
      }
      view.servers.push_back(std::move(kept));
    }
  }
  std::sort(view.servers.begin(), view.servers.end(),
            [](const model::Server& a, const model::Server& b) { return a.id < b.id; });
  return view;
}

}  // namespace flowlens::registry
