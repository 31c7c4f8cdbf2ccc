/* SPDX-License-Identifier: BSD-2-Clause */
// Where a configuration value came from, and the error type every loader throws. Positions
// survive merging so that a message still points into the file that set the value.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowlens::config {

struct SourcePos {
  // Shared so that every node of one file costs a pointer, not a copy of the path.
  std::shared_ptr<const std::string> file;
  // 1-based, as editors show them; 0 means "the file as a whole" (e.g. it cannot be read).
  int line = 0;
  int column = 0;

  // "conf.d/10-core.yaml:3:18", or just the file when no line is known.
  std::string to_string() const;
};

// One or more problems found in the configuration. Loaders keep going after a bad value so that
// one check-config run lists every mistake, then throw them all at once.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> messages);
  explicit ConfigError(std::string message);

  // Each message is complete on its own: "FILE:LINE:COL: KEY: what was expected, got what".
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::vector<std::string> messages_;
};

// Collects errors while a loader walks the tree; throw_if_any() turns them into a ConfigError.
class Diagnostics {
 public:
  void error(const SourcePos& pos, const std::string& key_path, const std::string& what);
  void add(std::string message) { messages_.push_back(std::move(message)); }
  bool empty() const { return messages_.empty(); }
  void throw_if_any();

 private:
  std::vector<std::string> messages_;
};

}  // namespace flowlens::config
