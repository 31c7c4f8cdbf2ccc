// SPDX-License-Identifier: BSD-2-Clause
#include "webhook_hint.h"

#include <boost/json.hpp>

namespace flowlens::discovery_pterodactyl {

namespace {

// A server uuid is 36 characters; anything much longer is not one and would only fill a query.
constexpr size_t kMaxUuidLength = 64;

bool is_server_event(std::string_view event) {
  // "updated: Server", "eloquent.updated: App\Models\Server", but not "...: ServerTransfer".
  const size_t colon = event.rfind(':');
  std::string_view model = colon == std::string_view::npos ? event : event.substr(colon + 1);
  if (const size_t slash = model.rfind('\\'); slash != std::string_view::npos)
    model = model.substr(slash + 1);
  while (!model.empty() && model.front() == ' ') model.remove_prefix(1);
  return model == "Server";
}

}  // namespace

ResyncHint parse_webhook(std::string_view event_header, std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) throw std::invalid_argument("expected a JSON object");
  const boost::json::object& o = doc.get_object();
  std::string_view event = event_header;
  if (const auto* e = o.if_contains("event"); e && e->is_string()) event = e->get_string();
  const auto* uuid = o.if_contains("uuid");
  if (is_server_event(event) && uuid && uuid->is_string() && !uuid->get_string().empty() &&
      uuid->get_string().size() <= kMaxUuidLength)
    return {std::string(uuid->get_string())};
  return {};
}

}  // namespace flowlens::discovery_pterodactyl
