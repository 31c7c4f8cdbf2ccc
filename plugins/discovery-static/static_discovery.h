/* SPDX-License-Identifier: BSD-2-Clause */
// discovery-static: publishes the servers its config lists, all at once, on start.
#pragma once

#include <flowlens/plugin.hpp>

#include <vector>

namespace flowlens::discovery_static {

class StaticDiscovery {
 public:
  static constexpr const char* kName = "discovery-static";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "game servers listed in the config";
  static constexpr uint32_t kCapabilities = FLOWLENS_CAP_DISCOVERY | FLOWLENS_CAP_PUBLISHES_CONFIG;

  // Validates only (check-config runs this): the whole list is parsed here, not in start.
  StaticDiscovery(sdk::Host host, const sdk::Config& config);

  // replace-all rather than add: a restart of the instance with an edited list must not leave
  // servers from the previous list behind.
  void start();
  // Withdraws what start published, so a stopped instance claims no ports.
  void stop();

 private:
  sdk::Host host_;
  std::vector<sdk::Server> servers_;
};

}  // namespace flowlens::discovery_static
