// SPDX-License-Identifier: BSD-2-Clause
// Process-wide logging: one line format on stderr for everything flowlensd says (the daemon, its
// commands' errors, plugins, libbpf, an uncaught exception), in one of two forms:
//  - on a terminal or in a file: `2026-12-07T13:05:09.123+01:00 warning text`, local time with
//    its offset from UTC;
//  - under systemd (stderr is the journal stream that JOURNAL_STREAM names): `<4>text`, a syslog
//    priority and no time of our own, so journald stamps it once and `journalctl -p warning`
//    filters it.
#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string>

namespace flowlens::daemon {

enum class LogForm { kTimestamped, kJournal };

// kJournal when JOURNAL_STREAM is set and names the device and inode stderr is open on; a stderr
// redirected elsewhere (a pipe, a file) by the unit or a shell keeps the timestamps.
LogForm detect_log_form();

// The formatter of a form; exposed so the format itself can be tested.
std::unique_ptr<spdlog::formatter> make_log_formatter(LogForm form);

// Installs the logger every command shares, at level info, and a terminate handler that logs an
// uncaught exception as a fatal error. Call it first thing in main, before any argument parsing,
// so no line is ever written in another format.
void init_logging();

// Sets the level from its name (trace, debug, info, warn, error, critical, off); throws
// std::invalid_argument naming the accepted values on anything else.
void setup_logging(const std::string& level);

// Logs an error that ends the daemon or a command, in the same format. It reaches stderr whatever
// the level: under `critical` or `off` a start that fails must still say why, not just exit 1.
void log_fatal(const std::string& message);

}  // namespace flowlens::daemon
