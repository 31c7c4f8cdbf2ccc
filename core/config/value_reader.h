/* SPDX-License-Identifier: BSD-2-Clause */
// Strict, typed reads from a ConfigNode map. Every read names the key path and the position of
// the offending value; keys nobody asked for are reported by finish() as unknown.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "config/config_error.h"
#include "flowlens/sdk/duration.hpp"
#include "config/config_node.h"

namespace flowlens::config {

// "30s", "500ms", "5m", "1h30m", "1.5s" (Go's time.Duration syntax, which the original
// config.yaml uses): the SDK's parser, so the core and every plugin read durations alike.
using sdk::parse_duration;

// "'abc'" for a scalar, "a map" / "a list" / "nothing" otherwise: the "got ..." of a message.
std::string describe(const ConfigNode& node);

class MapReader {
 public:
  // `node` should be a map; null reads as an empty map (a section header with nothing under it).
  // `path` is the dotted key path of the node for messages ("core", "plugins.api").
  MapReader(const ConfigNode& node, std::string path, Diagnostics& diag);

  bool ok() const { return ok_; }
  const std::string& path() const { return path_; }
  std::string child_path(std::string_view key) const;

  // Returns the value under `key` and marks the key as known; nullptr when absent.
  const ConfigNode* take(std::string_view key);
  // The value under `key` without marking it known (for a check after a typed read); nullptr
  // when absent.
  const ConfigNode* find(std::string_view key) const {
    return node_.is_map() ? node_.find(key) : nullptr;
  }

  // Each read leaves `out` unchanged when the key is absent or the value is wrong (and records
  // the error), so defaults stay in place. Returns true when the key was present and valid.
  bool read_string(std::string_view key, std::string& out);
  bool read_bool(std::string_view key, bool& out);
  bool read_uint(std::string_view key, uint64_t min, uint64_t max, uint64_t& out);
  // A number of seconds (1, 0.5) or a duration string ("30s", "500ms").
  bool read_interval(std::string_view key, std::chrono::milliseconds min,
                     std::chrono::milliseconds max, std::chrono::milliseconds& out);
  bool read_string_map(std::string_view key, std::map<std::string, std::string>& out);

  // Reports every key of the map that no read or take() asked for.
  void finish();

  void error(const ConfigNode& at, std::string_view key, const std::string& what);

 private:
  const ConfigNode& node_;
  std::string path_;
  Diagnostics& diag_;
  std::set<std::string, std::less<>> known_;
  bool ok_ = true;
};

}  // namespace flowlens::config
