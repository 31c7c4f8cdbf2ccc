/* SPDX-License-Identifier: BSD-2-Clause */
// The two ways the daemon gets its configuration: a conf.d/ directory (the normal one) or the
// original FlowLens config.yaml given with --config. Both return the same Config.
#pragma once

#include <filesystem>

#include "config/config.h"

namespace flowlens::config {

// Reads every *.yaml in `dir` (hidden files skipped) in byte order of the file name, merges them
// (maps merge recursively, later scalars and lists win) and applies the conf.d/ schema.
// Throws ConfigError listing every problem, each as FILE:LINE:COL: KEY: message.
Config load_conf_dir(const std::filesystem::path& dir);

// Same schema for explicit files, merged in the order given (tests, `--conf-dir` alternatives).
Config load_conf_files(const std::vector<std::filesystem::path>& files);

// Reads an original FlowLens config.yaml unchanged and maps it onto core and plugin instances
// (see original_config.cpp for the mapping). Throws ConfigError like load_conf_dir().
Config load_original(const std::filesystem::path& file);

// Looks at the top-level keys of `file`: true when they are the original config.yaml's keys
// rather than conf.d/'s (core, estimator, plugins). Lets `--config FILE` take either format.
bool is_original_format(const std::filesystem::path& file);

// `--config FILE`: load_original() or load_conf_files({file}) by is_original_format().
Config load_config_file(const std::filesystem::path& file);

}  // namespace flowlens::config
