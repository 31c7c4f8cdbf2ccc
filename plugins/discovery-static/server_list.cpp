#include "server_list.h"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

#include "endpoint_parser.h"

namespace flowlens::discovery_static {

namespace {

namespace json = boost::json;

[[noreturn]] void fail(const std::string& field, const std::string& what) {
  throw sdk::ConfigError(field + ": " + what);
}

std::string show(const json::value& v) {
  if (v.is_string()) return "'" + std::string(v.get_string()) + "'";
  return json::serialize(v);
}

// Strings, and integers as written (`id: 42`); anything else must be quoted in the YAML.
std::string text_of(const json::value& v, const std::string& field) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  fail(field, "expected a string (quote it in YAML), got " + show(v));
}

void only_keys(const json::object& o, const std::string& field,
               std::initializer_list<std::string_view> keys, const char* list) {
  for (const auto& [k, v] : o) {
    if (std::find(keys.begin(), keys.end(), std::string_view(k)) == keys.end())
      fail(field.empty() ? std::string(k) : field + "." + std::string(k),
           std::string("unknown key (expected ") + list + ")");
  }
}

bool valid_id(const std::string& id) {
  return !id.empty() && id.size() <= kMaxIdLength &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
         });
}

sdk::Server parse_server(const json::value& v, const std::string& field) {
  if (!v.is_object())
    fail(field, "expected a map with id, name, endpoints, labels, got " + show(v));
  const json::object& o = v.get_object();
  only_keys(o, field, {"id", "name", "endpoints", "labels"}, "id, name, endpoints, labels");

  sdk::Server s;
  const json::value* id = o.if_contains("id");
  if (!id) fail(field, "missing key 'id'");
  s.id = text_of(*id, field + ".id");
  if (!valid_id(s.id))
    fail(field + ".id", "expected letters, digits, '-', '_', '.', ':' (at most " +
                            std::to_string(kMaxIdLength) + "), got '" + s.id + "'");
  if (const json::value* name = o.if_contains("name")) s.name = text_of(*name, field + ".name");

  const json::value* eps = o.if_contains("endpoints");
  if (!eps) fail(field, "missing key 'endpoints' (e.g. endpoints: [\"27015/udp\"])");
  if (!eps->is_array() || eps->get_array().empty())
    fail(field + ".endpoints",
         "expected a non-empty list such as [\"27015/udp\"], got " + show(*eps));
  const json::array& list = eps->get_array();
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string f = field + ".endpoints[" + std::to_string(i) + "]";
    if (!list[i].is_string())
      fail(f, "expected \"PORT/PROTO\" such as \"27015/udp\", got " + show(list[i]));
    try {
      parse_endpoint(list[i].get_string(), s.endpoints);
    } catch (const EndpointError& e) {
      fail(f, e.what());
    }
  }

  if (const json::value* labels = o.if_contains("labels")) {
    if (!labels->is_object())
      fail(field + ".labels", "expected a map of name: value, got " + show(*labels));
    for (const auto& [k, val] : labels->get_object()) {
      if (k.empty()) fail(field + ".labels", "a label name may not be empty");
      s.labels[std::string(k)] = text_of(val, field + ".labels." + std::string(k));
    }
  }
  return s;
}

}  // namespace

std::vector<sdk::Server> parse_server_list(const json::object& config) {
  only_keys(config, "", {"servers"}, "servers");
  const json::value* servers = config.if_contains("servers");
  if (!servers) fail("servers", "missing: list the servers to publish (servers: [...])");
  if (!servers->is_array()) fail("servers", "expected a list of servers, got " + show(*servers));
  const json::array& list = servers->get_array();
  if (list.size() > kMaxServers)
    fail("servers",
         "at most " + std::to_string(kMaxServers) + " servers, got " + std::to_string(list.size()));

  std::vector<sdk::Server> out;
  std::map<std::string, size_t> ids;
  // (port, proto) -> index of the server that claimed it first.
  std::map<std::pair<uint16_t, sdk::Proto>, size_t> claimed;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = "servers[" + std::to_string(i) + "]";
    sdk::Server s = parse_server(list[i], field);
    if (auto [it, fresh] = ids.emplace(s.id, i); !fresh)
      fail(field + ".id",
           "'" + s.id + "' is already the id of servers[" + std::to_string(it->second) + "]");
    for (size_t e = 0; e < s.endpoints.size(); ++e) {
      const sdk::Endpoint& ep = s.endpoints[e];
      auto [it, fresh] = claimed.emplace(std::pair{ep.port, ep.proto}, i);
      // A port counted for two servers would be attributed to neither correctly.
      if (!fresh && it->second != i)
        fail(field + ".endpoints", to_string(ep) + " is already claimed by servers[" +
                                       std::to_string(it->second) + "] ('" + out[it->second].id +
                                       "')");
    }
    // Overlapping ranges within one server are harmless; publish each endpoint once.
    std::sort(s.endpoints.begin(), s.endpoints.end(), [](const auto& a, const auto& b) {
      return std::pair{a.port, a.proto} < std::pair{b.port, b.proto};
    });
    s.endpoints.erase(std::unique(s.endpoints.begin(), s.endpoints.end(),
                                  [](const auto& a, const auto& b) {
                                    return a.port == b.port && a.proto == b.proto;
                                  }),
                      s.endpoints.end());
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace flowlens::discovery_static
