/* SPDX-License-Identifier: BSD-2-Clause */
// check-config's view of a plugin: load the .so, run the instance's config through the plugin's
// own create() and destroy it again. The ABI promises create opens no socket and starts no
// thread, so this validates a plugin section without touching the network. A plugin with
// FLOWLENS_CAP_PUBLISHES_CONFIG is also started and stopped, to collect the servers it publishes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "config/config.h"
#include "model/server.h"

namespace flowlens::config {

struct ProbeResult {
  // Empty when the plugin loaded and accepted the config; otherwise the reason, without the
  // file or instance name (the caller adds those).
  std::string error;
  // True when the failure is the plugin rejecting its config (FLOWLENS_ERR_CONFIG), as opposed
  // to a plugin that cannot be loaded at all.
  bool config_rejected = false;
  // What the plugin logged through the host API while being created, "LEVEL: message".
  std::vector<std::string> log;
  std::string version;
  uint32_t capabilities = 0;  // FLOWLENS_CAP_* of the loaded plugin; 0 when it did not load
  // What a FLOWLENS_CAP_PUBLISHES_CONFIG plugin published once started (it is then stopped);
  // empty for every other plugin, which is only created.
  std::vector<model::Server> servers;
};

// `plugin` is the name the config asked for; the descriptor must carry the same name.
ProbeResult probe_plugin(const std::filesystem::path& so_file, const std::string& plugin,
                         const std::string& instance_name, const std::string& config_json);

// One instance's section judged as check-config reports it, each line starting with where the
// operator looks: "FILE:LINE:COL: plugins.NAME.config (PLUGIN): message" at the offending value
// when the plugin names one, else at the instance. The daemon's reload refuses on the same lines.
struct SectionCheck {
  // What the plugin logged at warn or error while being created, pinned to the instance.
  std::vector<std::string> notes;
  // Empty when the plugin loaded and accepted the section.
  std::string error;
  uint32_t capabilities = 0;           // FLOWLENS_CAP_* of the plugin when it loaded
  std::vector<model::Server> servers;  // as ProbeResult::servers
};

SectionCheck check_plugin_section(const PluginInstanceConfig& inst,
                                  const std::filesystem::path& plugin_dir);

}  // namespace flowlens::config
