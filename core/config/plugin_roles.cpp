/* SPDX-License-Identifier: BSD-2-Clause */
#include "config/plugin_roles.h"

namespace flowlens::config {

std::vector<std::string> missing_role_errors(const PluginRoles& roles, RolesContext context) {
  const bool run = context == RolesContext::kRun;
  std::vector<std::string> errors;
  if (roles.discovery == 0 && !roles.servers_on_command_line) {
    errors.push_back(
        "no discovery plugin will run, so no port is watched and every count would stay empty: "
        "enable one (discovery-static, discovery-docker or discovery-pterodactyl)" +
        std::string(run ? " or give --server" : ""));
  }
  if (roles.sinks == 0 && !roles.jsonl_output) {
    errors.push_back(
        "no sink plugin will run, so the estimates would reach nobody: enable one (sink-jsonapi, "
        "sink-prometheus, sink-statsd or sink-webhook)" +
        std::string(run ? " or give --jsonl" : ""));
  }
  return errors;
}

}  // namespace flowlens::config
