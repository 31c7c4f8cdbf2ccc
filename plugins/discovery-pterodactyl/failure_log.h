/* SPDX-License-Identifier: BSD-2-Clause */
// Logs a failure once per kind until the next success, so a panel that is down for an hour
// writes one line, not one per interval; the recovery is logged once too.
#pragma once

#include <set>
#include <string>

#include <flowlens/sdk/host.hpp>

namespace flowlens::discovery_pterodactyl {

class FailureLog {
 public:
  explicit FailureLog(sdk::Host host) : host_(host) {}

  // Warns with `message` the first time `kind` fails since the last success.
  void failed(const std::string& kind, const std::string& message);
  // After failures: one line saying the panel answers again.
  void succeeded();

 private:
  sdk::Host host_;
  std::set<std::string> logged_;
};

}  // namespace flowlens::discovery_pterodactyl
