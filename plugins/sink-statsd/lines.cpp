// SPDX-License-Identifier: BSD-2-Clause
#include "lines.h"

#include "metric_name.h"

namespace flowlens::statsd {
namespace {

void append_tags(std::string& out, const Tags& tags, std::string_view first, char between,
                 char equals) {
  for (std::size_t i = 0; i < tags.size(); ++i) {
    if (i == 0) {
      out += first;
    } else {
      out += between;
    }
    out += tags[i].first;
    out += equals;
    out += tags[i].second;
  }
}

}  // namespace

std::string format_line(std::string_view name, const Tags& tags, TagDialect dialect, uint64_t value,
                        std::string_view type) {
  std::string out(name);
  if (dialect == TagDialect::kInflux) append_tags(out, tags, ",", ',', '=');
  if (dialect == TagDialect::kGraphite) append_tags(out, tags, ";", ';', '=');
  out += ':';
  out += std::to_string(value);
  out += '|';
  out += type;
  if (dialect == TagDialect::kDogStatsd) append_tags(out, tags, "|#", ',', ':');
  return out;
}

std::string LineRenderer::name(std::string_view server_segment, std::string_view metric) const {
  std::string out = options_.prefix;
  if (!out.empty()) out += '.';
  if (!server_segment.empty()) {
    out += server_segment;
    out += '.';
  }
  out += metric;
  return out;
}

Tags LineRenderer::tags_of(const ServerSample& server) const {
  Tags tags;
  if (options_.dialect == TagDialect::kNone) return tags;
  std::set<std::string> keys;
  for (const auto& [key, value] : server.labels) {
    if (options_.labels && !options_.labels->contains(key)) continue;
    // Telegraf and Graphite have no tag without a value; leaving it out reads the same there.
    if (value.empty()) continue;
    std::string k = sanitize_tag(key);
    if (!keys.insert(k).second) continue;  // two labels that sanitize alike: the first one wins
    tags.emplace_back(std::move(k), sanitize_tag(value));
  }
  return tags;
}

RenderedPush LineRenderer::render(const Samples& servers) {
  RenderedPush out;
  std::map<std::string, std::string> taken;  // sanitized segment -> server id
  std::map<std::string, uint64_t> bytes_now;
  uint64_t node_players = 0;
  std::size_t known = 0;
  for (const ServerSample& s : servers) {
    std::string segment = sanitize_segment(s.id);
    auto [it, fresh] = taken.emplace(segment, s.id);
    if (!fresh) {
      out.name_clashes.emplace_back(it->second, s.id);
      continue;
    }
    const Tags tags = tags_of(s);
    if (!s.known) {
      out.lines.push_back(format_line(name(segment, "known"), tags, options_.dialect, 0, "g"));
      continue;
    }
    ++known;
    node_players += s.active_players;
    const TagDialect d = options_.dialect;
    out.lines.push_back(
        format_line(name(segment, "active_players"), tags, d, s.active_players, "g"));
    out.lines.push_back(format_line(name(segment, "unique_ips"), tags, d, s.unique_ips, "g"));
    out.lines.push_back(format_line(name(segment, "known"), tags, d, 1, "g"));
    bytes_now[s.id] = s.total_bytes;
    auto last = last_bytes_.find(s.id);
    if (last != last_bytes_.end() && s.total_bytes > last->second) {
      out.lines.push_back(
          format_line(name(segment, "bytes"), tags, d, s.total_bytes - last->second, "c"));
    }
  }
  last_bytes_ = std::move(bytes_now);
  const std::size_t unknown = taken.size() - known;
  if (known > 0 || taken.empty()) {
    out.lines.push_back(
        format_line(name("", "node_active_players"), {}, options_.dialect, node_players, "g"));
  }
  out.lines.push_back(
      format_line(name("", "node_unknown_servers"), {}, options_.dialect, unknown, "g"));
  return out;
}

}  // namespace flowlens::statsd
