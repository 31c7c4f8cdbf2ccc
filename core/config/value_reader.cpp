// SPDX-License-Identifier: BSD-2-Clause
#include "config/value_reader.h"

#include <charconv>
#include <cmath>

namespace flowlens::config {

namespace {

bool parse_double(std::string_view s, double& out) {
  if (s.empty() || s.find_first_not_of("0123456789.") != std::string_view::npos) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string join(const std::set<std::string, std::less<>>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

}  // namespace

std::string describe(const ConfigNode& node) {
  if (node.is_scalar()) return "'" + node.text() + "'";
  return std::string(node.kind_name());
}

MapReader::MapReader(const ConfigNode& node, std::string path, Diagnostics& diag)
    : node_(node), path_(std::move(path)), diag_(diag) {
  if (!node.is_map() && !node.is_null()) {
    diag_.error(node.pos(), path_, "expected a map of keys, got " + describe(node));
    ok_ = false;
  }
}

std::string MapReader::child_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const ConfigNode* MapReader::take(std::string_view key) {
  known_.emplace(key);
  return node_.is_map() ? node_.find(key) : nullptr;
}

void MapReader::error(const ConfigNode& at, std::string_view key, const std::string& what) {
  diag_.error(at.pos(), child_path(key), what);
}

bool MapReader::read_string(std::string_view key, std::string& out) {
  const ConfigNode* v = take(key);
  if (!v) return false;
  if (v->is_null()) {
    out.clear();  // `interface:` with nothing after it reads as the empty string
    return true;
  }
  if (!v->is_scalar()) {
    error(*v, key, "expected a string, got " + describe(*v));
    return false;
  }
  out = v->text();
  return true;
}

bool MapReader::read_bool(std::string_view key, bool& out) {
  const ConfigNode* v = take(key);
  if (!v) return false;
  const std::string& t = v->text();
  if (v->is_scalar() && !v->quoted() && (t == "true" || t == "false")) {
    out = t == "true";
    return true;
  }
  error(*v, key, "expected true or false, got " + describe(*v));
  return false;
}

bool MapReader::read_uint(std::string_view key, uint64_t min, uint64_t max, uint64_t& out) {
  const ConfigNode* v = take(key);
  if (!v) return false;
  uint64_t value = 0;
  bool parsed = false;
  if (v->is_scalar() && !v->quoted()) {
    const std::string& t = v->text();
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    parsed = ec == std::errc() && p == t.data() + t.size();
  }
  if (!parsed || value < min || value > max) {
    std::string expected = min >= 1 ? "a positive integer" : "a non-negative integer";
    if (parsed) expected = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    error(*v, key, "expected " + expected + ", got " + describe(*v));
    return false;
  }
  out = value;
  return true;
}

bool MapReader::read_interval(std::string_view key, std::chrono::milliseconds min,
                              std::chrono::milliseconds max, std::chrono::milliseconds& out) {
  const ConfigNode* v = take(key);
  if (!v) return false;
  std::optional<std::chrono::nanoseconds> ns;
  if (v->is_scalar()) {
    double seconds = 0;
    if (!v->quoted() && parse_double(v->text(), seconds))
      ns = std::chrono::nanoseconds(static_cast<int64_t>(std::llround(seconds * 1e9)));
    else
      ns = parse_duration(v->text());
  }
  auto ms = ns ? std::chrono::duration_cast<std::chrono::milliseconds>(*ns)
               : std::chrono::milliseconds(-1);
  if (!ns || ms < min || ms > max) {
    error(*v, key,
          "expected a duration from " + std::to_string(min.count()) + "ms to " +
              std::to_string(max.count() / 1000) + "s (seconds, or e.g. 500ms, 30s, 5m), got " +
              describe(*v));
    return false;
  }
  out = ms;
  return true;
}

bool MapReader::read_string_map(std::string_view key, std::map<std::string, std::string>& out) {
  const ConfigNode* v = take(key);
  if (!v || v->is_null()) return false;
  if (!v->is_map()) {
    error(*v, key, "expected a map of name: value, got " + describe(*v));
    return false;
  }
  bool ok = true;
  for (const auto& e : v->entries()) {
    if (!e.value.is_scalar()) {
      diag_.error(e.value.pos(), child_path(key) + "." + e.key,
                  "expected a string, got " + describe(e.value));
      ok = false;
      continue;
    }
    out[e.key] = e.value.text();
  }
  return ok;
}

void MapReader::finish() {
  if (!node_.is_map()) return;
  for (const auto& e : node_.entries()) {
    if (known_.count(e.key)) continue;
    diag_.error(e.key_pos, child_path(e.key),
                "unknown key (expected one of: " + join(known_) + ")");
  }
}

}  // namespace flowlens::config
