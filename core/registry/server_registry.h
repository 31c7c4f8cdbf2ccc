/* SPDX-License-Identifier: BSD-2-Clause */
// The merged view of every discovery source: which servers exist and which (port, protocol) pairs
// belong to which server. Discovery plugins publish per source; the daemon reads a consistent
// snapshot of the merge to program the watched-ports BPF map and the estimator.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "model/server.h"

namespace flowlens::registry {

// A server id or a port published twice, as the merge resolved it.
struct Conflict {
  std::string losing_source;  // the source whose claim was dropped
  std::string text;           // one sentence for the log, naming both claims
};

struct MergedView {
  uint64_t generation = 0;             // bumps on every change
  std::vector<model::Server> servers;  // sorted by id; endpoints already conflict-free
  std::vector<Conflict> conflicts;
  // Servers that lost a port to another, by id, with why: their estimate is unknown, not 0.
  std::map<std::string, std::string> incomplete;
};

// Thread-safe: discovery plugins publish from their own threads.
class ServerRegistry {
 public:
  void add(const std::string& source, model::Server server);
  void remove(const std::string& source, const std::string& server_id);
  void replace_all(const std::string& source, std::vector<model::Server> servers);
  void drop_source(const std::string& source);

  uint64_t generation() const;
  // Merges every source. Deterministic: a server id or a port published by two sources goes to
  // the source whose name sorts first, then to the server id that sorts first.
  MergedView merged() const;

 private:
  mutable std::mutex mu_;
  uint64_t generation_ = 0;
  std::map<std::string, std::map<std::string, model::Server>> by_source_;
};

}  // namespace flowlens::registry
