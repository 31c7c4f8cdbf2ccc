/* SPDX-License-Identifier: BSD-2-Clause */
// One tick as the JSON line both `flowlensd run --jsonl` and `flowlensd replay` print, the
// accuracy suite's format, so a live host and its capture can be compared line for line:
//   {"t": 1700000042.5, "servers": [{"server_id": "cs", "active_players": 3, "unique_ips": 3,
//    "total_bytes": 123456, "known": true}]}
// "t" is the tick's wall clock in seconds as a plain decimal. An unknown server has
// "active_players": null, "known": false and an "unknown_reason": never a 0 a script could act on.
#pragma once

#include <string>

#include "model/snapshot.h"

namespace flowlens::model {

// Appends the line (with its '\n') to `out`.
void append_tick_line(std::string& out, const Snapshot& snapshot);

}  // namespace flowlens::model
