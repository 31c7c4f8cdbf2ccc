/* SPDX-License-Identifier: BSD-2-Clause */
// The Application API calls the plugin makes, with the panel's rate limit respected: every
// server page (include=allocations, per_page=100, page by page up to total_pages), the node
// with a given uuid, every node. Any failure is a SyncError with a kind for the once-per-kind log.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "http_client.h"
#include "panel_model.h"

namespace flowlens::discovery_pterodactyl {

class SyncError : public std::runtime_error {
 public:
  SyncError(std::string kind, const std::string& message)
      : std::runtime_error(message), kind_(std::move(kind)) {}
  // "http_401", "http_500", "format", "allocations_denied", "timeout", "node", ...
  const std::string& kind() const noexcept { return kind_; }

 private:
  std::string kind_;
};

// Sleeps up to `d`; false when the plugin is stopping (the caller gives up at once).
using Waiter = std::function<bool(std::chrono::milliseconds d)>;

struct ListStats {
  int64_t pages = 0;
  int64_t requests = 0;  // including retries after 429
};

class PanelClient {
 public:
  // The panel asks for at most 100 per page.
  static constexpr int kPerPage = 100;

  PanelClient(std::string base_url, std::string api_key, int64_t max_pages, HttpClient& http,
              Waiter wait);

  std::vector<PanelServer> list_servers(ListStats* stats = nullptr);
  // The server with this uuid (filter[uuid], with its allocations); nullopt when it is gone.
  std::optional<PanelServer> server_by_uuid(const std::string& uuid);
  std::optional<PanelNode> node_by_uuid(const std::string& uuid);
  std::vector<PanelNode> list_nodes();

 private:
  // GET base_url + path_and_query, retried on 429 after Retry-After plus jitter.
  std::string get(const std::string& path_and_query, ListStats* stats);
  void pace(const HttpResponse& r);

  std::string base_url_;
  std::string authorization_;  // the header line; never logged
  int64_t max_pages_;
  HttpClient& http_;
  Waiter wait_;
  std::minstd_rand jitter_;
};

}  // namespace flowlens::discovery_pterodactyl
