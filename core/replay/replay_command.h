/* SPDX-License-Identifier: BSD-2-Clause */
// `flowlensd replay`: runs the estimator over a capture file instead of the kernel's flow map.
#pragma once

namespace CLI {
class App;
}

namespace flowlens::replay {

// Adds the `replay` subcommand to `app`:
//   replay --pcap FILE --server ID=PORT/PROTO[,PORT/PROTO...] [--server ...]
//          [--explain SERVER_ID] [--estimator-option KEY=VALUE ...] [--log-level LEVEL]
// JSON Lines go to stdout; --explain, warnings and logs go to stderr. A capture that cannot be
// read exits 1 with one line naming the file and the cause; a truncated tail is a warning.
void register_replay_command(CLI::App& app);

}  // namespace flowlens::replay
