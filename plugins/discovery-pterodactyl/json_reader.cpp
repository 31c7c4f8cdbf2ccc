// SPDX-License-Identifier: BSD-2-Clause
#include "json_reader.h"

#include "panel_model.h"

namespace flowlens::discovery_pterodactyl::json_reader {

namespace json = boost::json;

namespace {

// Values in messages are cut short: an answer may be huge or hostile, a log line may not.
constexpr size_t kMaxShownValue = 60;

std::string shown(const json::value& v) {
  std::string text;
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::array:
      return "a list";
    case json::kind::object:
      return "a map";
    case json::kind::string:
      text = std::string(v.get_string());
      break;
    default:
      text = json::serialize(v);
  }
  if (text.size() > kMaxShownValue) text = text.substr(0, kMaxShownValue) + "...";
  return "'" + text + "'";
}

[[noreturn]] void fail(const std::string& where, std::string_view key, const std::string& what) {
  throw PanelFormatError((where.empty() ? std::string(key) : where + "." + std::string(key)) +
                         ": " + what);
}

const json::value& member(const json::object& o, std::string_view key, const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) fail(where, key, "missing");
  return *v;
}

}  // namespace

json::value parse_document(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) {
    throw PanelFormatError("answer is not valid JSON (" + ec.message() + " in " +
                           std::to_string(body.size()) + " bytes)");
  }
  return v;
}

const json::object& object_at(const json::value& v, const std::string& where) {
  if (!v.is_object()) throw PanelFormatError(where + ": expected a map, got " + shown(v));
  return v.get_object();
}

const json::array& array_at(const json::object& o, std::string_view key, const std::string& where) {
  const json::value& v = member(o, key, where);
  if (!v.is_array()) fail(where, key, "expected a list, got " + shown(v));
  return v.get_array();
}

const json::object& member_object(const json::object& o, std::string_view key,
                                  const std::string& where) {
  const json::value& v = member(o, key, where);
  if (!v.is_object()) fail(where, key, "expected a map, got " + shown(v));
  return v.get_object();
}

int64_t member_int(const json::object& o, std::string_view key, const std::string& where) {
  const json::value& v = member(o, key, where);
  boost::system::error_code ec;
  const int64_t n = v.is_bool() ? 0 : v.to_number<int64_t>(ec);
  if (v.is_bool() || ec) fail(where, key, "expected an integer, got " + shown(v));
  return n;
}

std::optional<int64_t> member_optional_int(const json::object& o, std::string_view key,
                                           const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return member_int(o, key, where);
}

std::string member_string(const json::object& o, std::string_view key, const std::string& where) {
  const json::value& v = member(o, key, where);
  if (!v.is_string()) fail(where, key, "expected a string, got " + shown(v));
  return std::string(v.get_string());
}

std::optional<std::string> member_optional_string(const json::object& o, std::string_view key,
                                                  const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64() || v->is_uint64()) return json::serialize(*v);
  fail(where, key, "expected a string, got " + shown(*v));
}

}  // namespace flowlens::discovery_pterodactyl::json_reader
