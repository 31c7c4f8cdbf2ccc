/* SPDX-License-Identifier: BSD-2-Clause */
// Routes libbpf's own messages (verifier log included) into spdlog at the matching level.
#pragma once

namespace flowlens::bpf {

// Installs the print callback once per process; later calls do nothing. Safe from any thread.
void route_libbpf_log_to_spdlog();

}  // namespace flowlens::bpf
