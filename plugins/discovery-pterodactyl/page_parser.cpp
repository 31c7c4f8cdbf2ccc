// SPDX-License-Identifier: BSD-2-Clause
#include "page_parser.h"

#include <limits>

#include "json_reader.h"

namespace flowlens::discovery_pterodactyl {

namespace json = boost::json;
using namespace json_reader;

namespace {

// The panel's own upper bound on per_page is 100; a page claiming more pages than this is not a
// panel answer (and would keep the sync paging for hours).
constexpr int64_t kMaxTotalPages = 100'000;

Pagination parse_pagination(const json::object& root) {
  const json::object& meta = member_object(root, "meta", "");
  const json::object& p = member_object(meta, "pagination", "meta");
  Pagination out;
  out.total = member_int(p, "total", "meta.pagination");
  out.current_page = member_int(p, "current_page", "meta.pagination");
  out.total_pages = member_int(p, "total_pages", "meta.pagination");
  // An empty list has total_pages 0 in Laravel's paginator (last page of nothing); read it as 1.
  if (out.total_pages == 0 && out.total == 0) out.total_pages = 1;
  if (out.total_pages < 1 || out.total_pages > kMaxTotalPages)
    throw PanelFormatError("meta.pagination.total_pages: expected 1 to " +
                           std::to_string(kMaxTotalPages) + ", got " +
                           std::to_string(out.total_pages));
  return out;
}

// The list's items, each checked to be an object of the expected type; returns the attributes.
template <class Fn>
void for_each_item(const json::object& list, const std::string& where, std::string_view type,
                   Fn&& fn) {
  const json::array& data = array_at(list, "data", where);
  for (size_t i = 0; i < data.size(); ++i) {
    const std::string at = (where.empty() ? "" : where + ".") + "data[" + std::to_string(i) + "]";
    const json::object& item = object_at(data[i], at);
    const std::string object = member_string(item, "object", at);
    if (object != type)
      throw PanelFormatError(at + ".object: expected '" + std::string(type) + "', got '" +
                             object.substr(0, 40) + "'");
    fn(member_object(item, "attributes", at), at + ".attributes");
  }
}

std::vector<Allocation> parse_allocations(const json::object& server, const std::string& where) {
  const json::object& rel = member_object(server, "relationships", where);
  const std::string at = where + ".relationships";
  const json::object& allocations = member_object(rel, "allocations", at);
  const std::string list_at = at + ".allocations";
  const std::string object = member_string(allocations, "object", list_at);
  if (object == "null_resource") {
    throw AllocationsDeniedError(
        list_at +
        " is a null_resource: the API key lacks read access to allocations (give the "
        "application API key Allocations: Read)");
  }
  if (object != "list")
    throw PanelFormatError(list_at + ".object: expected 'list', got '" + object.substr(0, 40) +
                           "'");
  std::vector<Allocation> out;
  for_each_item(
      allocations, list_at, "allocation", [&](const json::object& a, const std::string& a_at) {
        const int64_t port = member_int(a, "port", a_at);
        if (port < 1 || port > std::numeric_limits<uint16_t>::max())
          throw PanelFormatError(a_at + ".port: expected 1 to 65535, got " + std::to_string(port));
        out.push_back({member_string(a, "ip", a_at), static_cast<uint16_t>(port)});
      });
  return out;
}

}  // namespace

ServerPage parse_server_page(std::string_view body) {
  const json::value doc = parse_document(body);
  const json::object& root = object_at(doc, "(answer)");
  ServerPage page;
  page.pagination = parse_pagination(root);
  for_each_item(root, "", "server", [&](const json::object& s, const std::string& at) {
    PanelServer server;
    server.id = member_int(s, "id", at);
    server.uuid = member_string(s, "uuid", at);
    server.identifier = member_string(s, "identifier", at);
    server.name = member_string(s, "name", at);
    server.external_id = member_optional_string(s, "external_id", at);
    server.node = member_int(s, "node", at);
    server.egg = member_optional_int(s, "egg", at);
    server.nest = member_optional_int(s, "nest", at);
    server.allocations = parse_allocations(s, at);
    page.servers.push_back(std::move(server));
  });
  return page;
}

NodePage parse_node_page(std::string_view body) {
  const json::value doc = parse_document(body);
  const json::object& root = object_at(doc, "(answer)");
  NodePage page;
  page.pagination = parse_pagination(root);
  for_each_item(root, "", "node", [&](const json::object& n, const std::string& at) {
    PanelNode node;
    node.id = member_int(n, "id", at);
    node.uuid = member_optional_string(n, "uuid", at).value_or("");
    node.name = member_string(n, "name", at);
    node.fqdn = member_string(n, "fqdn", at);
    page.nodes.push_back(std::move(node));
  });
  return page;
}

}  // namespace flowlens::discovery_pterodactyl
