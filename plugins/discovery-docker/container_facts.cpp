// SPDX-License-Identifier: BSD-2-Clause
#include "container_facts.h"

#include <algorithm>
#include <charconv>

#include <boost/json.hpp>

namespace flowlens::discovery_docker {
namespace {

namespace json = boost::json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw AnswerError(where + ": " + what);
}

const json::object& as_object(const json::value& v, const std::string& where) {
  if (!v.is_object()) bad(where, "expected an object");
  return v.get_object();
}

// An optional string member: absent or null gives "".
std::string string_member(const json::object& o, std::string_view key, const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_string()) bad(where + "." + std::string(key), "expected a string");
  return std::string(v->get_string());
}

std::map<std::string, std::string> string_map(const json::value* v, const std::string& where) {
  std::map<std::string, std::string> out;
  if (v == nullptr || v->is_null()) return out;
  for (const auto& [k, val] : as_object(*v, where)) {
    if (!val.is_string()) bad(where + "." + std::string(k), "expected a string");
    out.emplace(std::string(k), std::string(val.get_string()));
  }
  return out;
}

bool proto_is_udp(std::string_view type, const std::string& where) {
  if (type == "udp") return true;
  if (type == "tcp") return false;
  bad(where, "protocol '" + std::string(type) + "' is neither tcp nor udp");
}

std::optional<uint16_t> port_number(std::string_view text) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v == 0 || v > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(v);
}

// "27015/udp" (ExposedPorts and NetworkSettings.Ports keys). sctp and others are skipped.
std::optional<PublishedPort> port_key(std::string_view key) {
  const size_t slash = key.find('/');
  std::string_view proto = slash == std::string_view::npos ? "tcp" : key.substr(slash + 1);
  if (proto != "tcp" && proto != "udp") return std::nullopt;
  auto port = port_number(key.substr(0, slash));
  if (!port) return std::nullopt;
  return PublishedPort{*port, proto == "udp"};
}

void sort_unique(std::vector<PublishedPort>& ports) {
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
}

std::string strip_slash(std::string name) {
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  return name;
}

std::string network_mode_of(const json::object& o, const std::string& where) {
  const json::value* hc = o.if_contains("HostConfig");
  if (hc == nullptr || hc->is_null()) return {};
  return string_member(as_object(*hc, where + ".HostConfig"), "NetworkMode", where + ".HostConfig");
}

}  // namespace

ContainerFacts facts_from_list_entry(const json::value& entry) {
  const std::string where = "container";
  const json::object& o = as_object(entry, where);
  ContainerFacts f;
  f.id = string_member(o, "Id", where);
  if (f.id.empty()) bad(where, "no Id");
  const std::string at = "container " + f.id.substr(0, 12);
  if (const json::value* names = o.if_contains("Names"); names && names->is_array()) {
    const auto& arr = names->get_array();
    if (!arr.empty() && arr[0].is_string()) f.name = strip_slash(std::string(arr[0].get_string()));
  }
  f.state = string_member(o, "State", at);
  f.labels = string_map(o.if_contains("Labels"), at + ".Labels");
  f.network_mode = network_mode_of(o, at);
  if (const json::value* ports = o.if_contains("Ports"); ports && !ports->is_null()) {
    if (!ports->is_array()) bad(at + ".Ports", "expected a list");
    size_t i = 0;
    for (const json::value& p : ports->get_array()) {
      const std::string pw = at + ".Ports[" + std::to_string(i++) + "]";
      const json::object& po = as_object(p, pw);
      const json::value* pub = po.if_contains("PublicPort");
      // Not published (only exposed): no host port a client could reach.
      if (pub == nullptr || pub->is_null()) continue;
      boost::system::error_code ec;
      const auto n = pub->to_number<int64_t>(ec);
      if (ec || n <= 0 || n > 65535) bad(pw + ".PublicPort", "expected a port number");
      f.published.push_back(
          {static_cast<uint16_t>(n), proto_is_udp(string_member(po, "Type", pw), pw + ".Type")});
    }
  }
  sort_unique(f.published);
  return f;
}

std::vector<ContainerFacts> facts_from_list(const json::value& answer) {
  if (!answer.is_array()) bad("container list", "expected a JSON array");
  std::vector<ContainerFacts> out;
  out.reserve(answer.get_array().size());
  size_t i = 0;
  for (const json::value& entry : answer.get_array()) {
    try {
      out.push_back(facts_from_list_entry(entry));
    } catch (const AnswerError& e) {
      bad("container list[" + std::to_string(i) + "]", e.what());
    }
    ++i;
  }
  return out;
}

ContainerFacts facts_from_inspect(const json::value& answer) {
  const json::object& o = as_object(answer, "inspect");
  ContainerFacts f;
  f.id = string_member(o, "Id", "inspect");
  if (f.id.empty()) bad("inspect", "no Id");
  const std::string at = "inspect " + f.id.substr(0, 12);
  f.name = strip_slash(string_member(o, "Name", at));
  f.network_mode = network_mode_of(o, at);
  if (const json::value* st = o.if_contains("State"); st && !st->is_null()) {
    const json::object& so = as_object(*st, at + ".State");
    f.state = string_member(so, "Status", at + ".State");
  }
  InspectDetails d;
  if (const json::value* cfg = o.if_contains("Config"); cfg && !cfg->is_null()) {
    const json::object& co = as_object(*cfg, at + ".Config");
    d.hostname = string_member(co, "Hostname", at + ".Config");
    f.labels = string_map(co.if_contains("Labels"), at + ".Config.Labels");
    if (const json::value* env = co.if_contains("Env"); env && !env->is_null()) {
      if (!env->is_array()) bad(at + ".Config.Env", "expected a list");
      for (const json::value& e : env->get_array()) {
        if (!e.is_string()) bad(at + ".Config.Env", "expected strings");
        std::string_view kv = e.get_string();
        const size_t eq = kv.find('=');
        if (eq == std::string_view::npos) continue;  // "NAME" alone: unset in the container
        d.env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
      }
    }
    if (const json::value* ex = co.if_contains("ExposedPorts"); ex && !ex->is_null()) {
      for (const auto& [key, unused] : as_object(*ex, at + ".Config.ExposedPorts")) {
        if (auto p = port_key(key)) d.exposed.push_back(*p);
      }
    }
  }
  sort_unique(d.exposed);
  if (const json::value* ns = o.if_contains("NetworkSettings"); ns && !ns->is_null()) {
    const json::object& no = as_object(*ns, at + ".NetworkSettings");
    if (const json::value* ports = no.if_contains("Ports"); ports && !ports->is_null()) {
      for (const auto& [key, bindings] : as_object(*ports, at + ".NetworkSettings.Ports")) {
        const auto container_port = port_key(key);
        if (!container_port || bindings.is_null()) continue;  // exposed, not published
        if (!bindings.is_array())
          bad(at + ".NetworkSettings.Ports." + std::string(key), "expected a list");
        for (const json::value& b : bindings.get_array()) {
          const std::string bw = at + ".NetworkSettings.Ports." + std::string(key);
          const std::string host_port = string_member(as_object(b, bw), "HostPort", bw);
          if (host_port.empty()) continue;
          auto n = port_number(host_port);
          if (!n) bad(bw + ".HostPort", "'" + host_port + "' is not a port number");
          f.published.push_back({*n, container_port->udp});
        }
      }
    }
  }
  sort_unique(f.published);
  f.details = std::move(d);
  return f;
}

}  // namespace flowlens::discovery_docker
