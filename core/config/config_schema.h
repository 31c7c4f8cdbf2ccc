/* SPDX-License-Identifier: BSD-2-Clause */
// The conf.d/ schema: turns a merged ConfigNode tree into a Config, strictly. conf.d/README.md
// documents the same keys for operators; keep the two in step.
#pragma once

#include "config/config.h"
#include "config/config_node.h"

namespace flowlens::config {

// Reads the top-level keys `core`, `estimator` and `plugins`. Throws ConfigError listing every
// problem (unknown keys, wrong types, out-of-range values), each with file:line:column.
Config config_from_tree(const ConfigNode& root);

// Instance and plugin names: letters, digits, '-', '_' (a plugin name becomes a file name, so no
// '/' or '.' may sneak in).
bool is_valid_name(std::string_view name);

// A network interface name as Linux takes it (at most 15 bytes, no '/', ':' or blanks), or ""
// for the default-route interface.
bool is_valid_interface_name(std::string_view name);
inline constexpr std::string_view kInterfaceNameExpected =
    "expected a network interface name (at most 15 characters, no '/', ':' or spaces) or \"\" "
    "for the default-route interface";

}  // namespace flowlens::config
