// SPDX-License-Identifier: BSD-2-Clause
#include "node_match.h"

#include <stdexcept>

namespace flowlens::discovery_pterodactyl {

namespace {

// Enough names in a message for an operator to recognise the panel; a list of hundreds is not.
constexpr size_t kMaxNamedNodes = 8;

std::string names(const std::vector<const PanelNode*>& nodes) {
  std::string out;
  for (size_t i = 0; i < nodes.size() && i < kMaxNamedNodes; ++i)
    out += (i ? ", " : "") + std::to_string(nodes[i]->id) + " (" + nodes[i]->fqdn + ")";
  if (nodes.size() > kMaxNamedNodes)
    out += " and " + std::to_string(nodes.size() - kMaxNamedNodes) + " more";
  return out;
}

}  // namespace

int64_t node_for_this_host(const std::vector<PanelNode>& nodes, const Resolver& resolve,
                           const std::set<std::string>& local) {
  std::vector<const PanelNode*> matching;
  std::vector<const PanelNode*> all;
  for (const PanelNode& n : nodes) {
    all.push_back(&n);
    for (const std::string& address : resolve(n.fqdn)) {
      if (local.count(address)) {
        matching.push_back(&n);
        break;
      }
    }
  }
  if (matching.size() == 1) return matching[0]->id;
  if (matching.empty())
    throw std::runtime_error("no panel node's fqdn resolves to an address of this host (nodes: " +
                             (all.empty() ? std::string("none") : names(all)) + "); set node_id");
  throw std::runtime_error("several panel nodes resolve to this host: " + names(matching) +
                           "; set node_id");
}

}  // namespace flowlens::discovery_pterodactyl
