/* SPDX-License-Identifier: BSD-2-Clause */
// What the plugin reads from the panel's Application API, as plain values: a server with its
// allocations, a node, one page of a paginated list. Parsing is in server_page.cpp/node_page.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowlens::discovery_pterodactyl {

// One allocation (ip:port) of a server; the panel lets a port carry any protocol.
struct Allocation {
  std::string ip;
  uint16_t port = 0;
};

// attributes of one `server` object of GET /api/application/servers?include=allocations.
struct PanelServer {
  int64_t id = 0;
  std::string uuid;
  std::string identifier;  // the short uuid ("uuidShort") shown in the panel's URLs
  std::string name;
  std::optional<std::string> external_id;  // null unless an integration set one
  int64_t node = 0;
  std::optional<int64_t> egg;
  std::optional<int64_t> nest;  // Pelican has no nests
  std::vector<Allocation> allocations;
};

// attributes of one `node` object of GET /api/application/nodes.
struct PanelNode {
  int64_t id = 0;
  std::string uuid;
  std::string name;
  std::string fqdn;
};

// meta.pagination of a list answer. The plugin walks pages by total_pages, never by links.next
// (which drops include, per_page and filters, and is [] on a single page).
struct Pagination {
  int64_t current_page = 1;
  int64_t total_pages = 1;
  int64_t total = 0;
};

struct ServerPage {
  std::vector<PanelServer> servers;
  Pagination pagination;
};

struct NodePage {
  std::vector<PanelNode> nodes;
  Pagination pagination;
};

// The panel answered something that is not the documented shape. The message names the place
// ("data[3].attributes.uuid: expected a string").
class PanelFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// relationships.allocations is a null_resource: the key may list servers but not read
// allocations, so no port can be known.
class AllocationsDeniedError : public PanelFormatError {
 public:
  using PanelFormatError::PanelFormatError;
};

}  // namespace flowlens::discovery_pterodactyl
