// SPDX-License-Identifier: BSD-2-Clause
#include <algorithm>
#include <system_error>

#include "config/config_schema.h"
#include "config/loaders.h"

namespace flowlens::config {

namespace {

std::vector<std::filesystem::path> list_yaml_files(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw ConfigError(dir.string() + ": not a directory" +
                      (ec ? " (" + ec.message() + ")" : std::string()));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    // Only *.yaml: editor backups (x.yaml~, .x.yaml.swp) and disabled files (x.yaml.off) must
    // not be picked up by accident.
    if (name.starts_with(".") || !name.ends_with(".yaml")) continue;
    if (!entry.is_regular_file()) continue;
    files.push_back(entry.path());
  }
  if (ec) throw ConfigError(dir.string() + ": cannot list the directory: " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.filename() < b.filename(); });
  return files;
}

}  // namespace

Config load_conf_files(const std::vector<std::filesystem::path>& files) {
  ConfigNode merged;
  std::vector<std::string> errors;
  for (const auto& file : files) {
    try {
      ConfigNode doc = load_yaml_file(file);
      if (!doc.is_map() && !doc.is_null()) {
        errors.push_back(doc.pos().to_string() +
                         ": expected a map of top-level keys (core, estimator, plugins), got " +
                         std::string(doc.kind_name()));
        continue;
      }
      merge_into(merged, std::move(doc));
    } catch (const ConfigError& e) {
      // Keep reading the other files: one check-config run should show every broken file.
      errors.insert(errors.end(), e.messages().begin(), e.messages().end());
    }
  }
  if (!errors.empty()) throw ConfigError(std::move(errors));
  Config cfg = config_from_tree(merged);
  for (const auto& f : files) cfg.files.push_back(f.string());
  return cfg;
}

Config load_conf_dir(const std::filesystem::path& dir) {
  auto files = list_yaml_files(dir);
  Config cfg = load_conf_files(files);
  if (files.empty())
    cfg.warnings.push_back(dir.string() + ": no *.yaml files; running on built-in defaults");
  return cfg;
}

}  // namespace flowlens::config
