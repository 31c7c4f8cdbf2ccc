/* SPDX-License-Identifier: BSD-2-Clause */
// The configuration as a tree that remembers, for every value, the file:line:column it came from.
// yaml-cpp's Mark has no file name and is lost once nodes from several files are merged, so each
// file is converted into this tree first and the merge happens here.
#pragma once

#include <boost/json/value.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config_error.h"

namespace flowlens::config {

class ConfigNode {
 public:
  enum class Kind { kNull, kScalar, kMap, kSequence };
  struct Entry;

  ConfigNode() = default;
  ConfigNode(Kind kind, SourcePos pos);
  static ConfigNode scalar(std::string text, bool quoted, SourcePos pos);

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_scalar() const { return kind_ == Kind::kScalar; }
  bool is_map() const { return kind_ == Kind::kMap; }
  bool is_sequence() const { return kind_ == Kind::kSequence; }
  const SourcePos& pos() const { return pos_; }

  // Scalars: the text as written, and whether it was quoted (quoted text is always a string).
  const std::string& text() const { return text_; }
  bool quoted() const { return quoted_; }

  // Maps keep the order of the file; keys are unique (duplicates are rejected at load).
  const std::vector<Entry>& entries() const { return entries_; }
  const ConfigNode* find(std::string_view key) const;
  void set(std::string key, SourcePos key_pos, ConfigNode value);

  const std::vector<ConfigNode>& items() const { return items_; }
  void push_back(ConfigNode item);

  // Short name of the kind for messages: "a map", "a list", "a scalar", "nothing".
  std::string_view kind_name() const;

 private:
  Kind kind_ = Kind::kNull;
  SourcePos pos_;
  std::string text_;
  bool quoted_ = false;
  std::vector<Entry> entries_;
  std::vector<ConfigNode> items_;
};

struct ConfigNode::Entry {
  std::string key;
  SourcePos key_pos;
  ConfigNode value;
};

// Defined once Entry is complete: clang instantiates the members' (constexpr) destructors where
// these are defined, and a vector of an incomplete type cannot be destroyed.
inline ConfigNode::ConfigNode(Kind kind, SourcePos pos) : kind_(kind), pos_(std::move(pos)) {}
inline void ConfigNode::push_back(ConfigNode item) {
  items_.push_back(std::move(item));
}

// Reads one YAML file. An empty file is a null node. Bad YAML, duplicate keys, non-scalar keys
// and unreadable files throw ConfigError naming file:line:column.
ConfigNode load_yaml_file(const std::filesystem::path& path);

// Same, from text; `file_name` is what messages call it.
ConfigNode parse_yaml(std::string_view text, const std::string& file_name);
// A conf.d file larger than this is refused before parsing: even a static list of ten thousand
// servers is well under it.
inline constexpr size_t kMaxConfigFileBytes = 16u << 20;

// Merges `overlay` (a later file) into `base`: maps merge key by key, recursively; scalars and
// lists from the overlay replace what was there. A null overlay over a map changes nothing, so a
// section header left empty in a later file does not erase an earlier section.
void merge_into(ConfigNode& base, ConfigNode overlay);

// Converts to JSON for a plugin or the estimator. Plain scalars become null, booleans and numbers
// when they read as such (YAML 1.2 core schema); quoted scalars stay strings.
boost::json::value to_json(const ConfigNode& node);

// Finds the node a path such as "servers[2].endpoints[0]" names, or nullptr when the path does
// not lead anywhere. Used to pin a plugin's own error message to a line.
const ConfigNode* find_path(const ConfigNode& root, std::string_view path);

// The node a plugin's config error is about. The ABI (flowlens/plugin.h, create) has the message
// start with "PATH: ", PATH the key path in the section; a path that names a missing key resolves
// to the nearest existing parent. nullptr when the message has no path.
const ConfigNode* find_error_path(const ConfigNode& root, std::string_view message);

}  // namespace flowlens::config
