/* SPDX-License-Identifier: BSD-2-Clause */
// A configuration must give the daemon something to watch and somewhere to tell: with no
// discovery it watches no port, with no sink its estimates reach nobody. Either way it would start,
// log that all is well and do nothing, which an operator notices hours later. Both are errors.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace flowlens::config {

// What will run: plugin instances by role, and the run command's own stand-ins for them.
struct PluginRoles {
  size_t discovery = 0;
  size_t sinks = 0;
  bool servers_on_command_line = false;  // run --server
  bool jsonl_output = false;             // run --jsonl
};

// Whether the run command's stand-ins exist where these errors are shown (run, not check-config).
enum class RolesContext { kCheckConfig, kRun };

// One error per missing role, saying what follows from it and how to fix it; empty when both are
// there.
std::vector<std::string> missing_role_errors(const PluginRoles& roles, RolesContext context);

}  // namespace flowlens::config
