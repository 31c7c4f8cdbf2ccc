/* SPDX-License-Identifier: BSD-2-Clause */
// `run --jsonl`: every tick as one JSON line on stdout, the format `flowlensd replay` prints, so
// live output and replay output can be compared line for line.
#pragma once

#include <ostream>

#include "model/snapshot.h"

namespace flowlens::daemon {

// {"t": unix seconds, "servers": [{"server_id", "active_players", "unique_ips": count,
// "total_bytes"}]}; a server the daemon cannot estimate has "active_players": null and "status".
void write_jsonl_tick(std::ostream& out, const model::Snapshot& snapshot);

}  // namespace flowlens::daemon
