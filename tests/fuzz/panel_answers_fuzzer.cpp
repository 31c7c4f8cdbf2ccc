// SPDX-License-Identifier: BSD-2-Clause
// A Pterodactyl/Pelican panel's answer body, read as each thing the plugin asks it for: a page of
// servers (then mapped onto this node's FlowLens servers), a page of nodes, an error answer, and a
// Pelican webhook. Each is either read or refused with PanelFormatError / invalid_argument naming
// the place; mapped servers have an id, unique, and only real ports.
#include <array>
#include <cstddef>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "discovery-pterodactyl/error_answer.h"
#include "discovery-pterodactyl/page_parser.h"
#include "discovery-pterodactyl/server_mapping.h"
#include "discovery-pterodactyl/webhook_hint.h"
#include "fuzz_check.h"

namespace {
// Where a refused answer can be wrong, as the plugin's log names it: the answer as a whole, or a
// path from its top-level keys ("data[2].attributes.relationships.allocations.object: ...").
constexpr std::array kPlaces{"answer is not valid JSON", "(answer)", "meta", "data", "object"};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flowlens::discovery_pterodactyl;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    const ServerPage page = parse_server_page(body);
    const int64_t node = page.servers.empty() ? 1 : page.servers.front().node;
    for (IdSource id :
         {IdSource::kUuid, IdSource::kIdentifier, IdSource::kName, IdSource::kExternalId}) {
      const MappedServers mapped = map_servers(page.servers, node, {id, true, true});
      std::set<std::string> ids;
      for (const auto& s : mapped.servers) {
        if (s.id.empty() || !ids.insert(s.id).second)
          flowlens::fuzz::fail("a mapped server id empty or repeated: '" + s.id + "'");
        for (const auto& e : s.endpoints)
          if (e.port == 0) flowlens::fuzz::fail("port 0 mapped for " + s.id);
      }
    }
  } catch (const PanelFormatError& e) {
    flowlens::fuzz::require_place(e.what(), kPlaces);
  }
  try {
    (void)parse_node_page(body);
  } catch (const PanelFormatError& e) {
    flowlens::fuzz::require_place(e.what(), kPlaces);
  }
  if (describe_error_answer(401, body).empty()) flowlens::fuzz::fail("an empty error description");
  try {
    (void)parse_webhook("eloquent.updated: App\\Models\\Server", body);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
