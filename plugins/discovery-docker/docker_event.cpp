// SPDX-License-Identifier: BSD-2-Clause
#include "docker_event.h"

#include <cctype>
#include <stdexcept>

#include <boost/json.hpp>

namespace flowlens::discovery_docker {
namespace {

namespace json = boost::json;

std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return {};
  return std::string(v->get_string());
}

json::array label_filters(const std::map<std::string, std::string>& labels) {
  json::array out;
  for (const auto& [k, v] : labels) out.emplace_back(k + "=" + v);
  return out;
}

}  // namespace

DockerEvent parse_event_line(std::string_view line) {
  boost::system::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec) throw std::runtime_error("event is not JSON: " + ec.message());
  if (!v.is_object()) throw std::runtime_error("event is not a JSON object");
  const json::object& o = v.get_object();
  DockerEvent e;
  e.type = string_at(o, "Type");
  e.action = string_at(o, "Action");
  if (const size_t colon = e.action.find(':'); colon != std::string::npos) e.action.resize(colon);
  const json::value* actor = o.if_contains("Actor");
  if (actor == nullptr || !actor->is_object()) throw std::runtime_error("event has no Actor");
  e.id = string_at(actor->get_object(), "ID");
  if (const json::value* attrs = actor->get_object().if_contains("Attributes");
      attrs && attrs->is_object()) {
    for (const auto& [k, val] : attrs->get_object()) {
      if (val.is_string()) e.attributes.emplace(std::string(k), std::string(val.get_string()));
    }
  }
  if (e.type.empty() || e.action.empty() || e.id.empty()) {
    throw std::runtime_error("event lacks Type, Action or Actor.ID");
  }
  return e;
}

std::string list_filters_json(const std::map<std::string, std::string>& labels) {
  json::object f;
  if (!labels.empty()) f["label"] = label_filters(labels);
  return json::serialize(f);
}

std::string event_filters_json(const std::map<std::string, std::string>& labels) {
  json::object f;
  f["type"] = json::array{"container"};
  json::array actions;
  for (std::string_view a : kWatchedActions) actions.emplace_back(a);
  f["event"] = std::move(actions);
  if (!labels.empty()) f["label"] = label_filters(labels);
  return json::serialize(f);
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace flowlens::discovery_docker
