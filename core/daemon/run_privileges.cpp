// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/run_privileges.h"

#include <spdlog/spdlog.h>

#include <system_error>

#include "config/privileged_ports.h"
#include "daemon/logging.h"
#include "privileges/privilege_drop.h"

namespace flowlens::daemon {

bool keep_running_privileges(const config::Config& config, const bpf::Datapath& datapath) {
  privileges::DropRequest request;
  try {
    if (!config.core.user.empty()) {
      // Checked when the configuration was read; gone since then is a plain error.
      request.user = privileges::find_user(config.core.user);
      if (!request.user) {
        log_fatal("core.user: no user '" + config.core.user + "' on this host");
        return false;
      }
      request.state_dirs = privileges::state_directories();
    }
    request.low_port_reason = config::privileged_listen(config);
    request.bpf_usable = [&datapath] { return datapath.kernel_answers(); };
    const privileges::DropResult result = privileges::drop_privileges(request);
    spdlog::info("{}", result.summary);
    return true;
  } catch (const std::exception& e) {
    log_fatal(e.what());
    return false;
  }
}

}  // namespace flowlens::daemon
