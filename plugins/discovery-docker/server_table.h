/* SPDX-License-Identifier: BSD-2-Clause */
// The servers the plugin wants published, with the grace period: a container that dies keeps
// its server until the grace period ends, so a restart or a recreate under the same server id
// shows neither "server gone" nor "0 players". Pure: time is passed in.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <flowlens/sdk/host.hpp>

namespace flowlens::discovery_docker {

class ServerTable {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ServerTable(std::chrono::milliseconds grace) : grace_(grace) {}

  // The container runs (or is paused) and maps to `server`.
  void set_container(const std::string& container_id, sdk::Server server);
  // The container died, was destroyed, or stopped mapping to a server.
  void container_gone(const std::string& container_id, Clock::time_point now);
  // A full list: exactly these containers run; every other one is gone.
  void replace_all(std::map<std::string, sdk::Server> by_container, Clock::time_point now);
  // Drops servers whose grace ended at or before `now`.
  void expire(Clock::time_point now);
  std::optional<Clock::time_point> next_expiry() const;

  // Server id -> server: every live container's (the first container by id wins a shared
  // server id) and every departed one still in its grace period.
  std::map<std::string, sdk::Server> desired() const;
  // "server id: container A and container B" for each server id that several live containers
  // map to.
  std::vector<std::string> duplicate_ids() const;
  bool has_container(const std::string& container_id) const { return live_.contains(container_id); }

 private:
  struct Departed {
    sdk::Server server;
    Clock::time_point until;
  };

  std::chrono::milliseconds grace_;
  std::map<std::string, sdk::Server> live_;   // by container id
  std::map<std::string, Departed> departed_;  // by server id
};

// Field-by-field equality of two servers (sdk::Server has no operator==).
bool same_server(const sdk::Server& a, const sdk::Server& b);

}  // namespace flowlens::discovery_docker
