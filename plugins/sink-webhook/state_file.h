/* SPDX-License-Identifier: BSD-2-Clause */
// The firing alerts on disk, so a restart neither re-sends what was already sent nor forgets to
// send a resolve. Small JSON file, replaced atomically (write a temporary file, fsync, rename).
#pragma once

#include "rules_engine.h"

#include <string>
#include <vector>

namespace flowlens::webhook {

// Schema version inside the file; a file of another version is ignored with a warning.
inline constexpr int kStateFileVersion = 1;

// Reads `path`. A missing file is an empty state. Throws std::runtime_error naming the path and
// what is wrong when the file exists but cannot be read or parsed.
std::vector<FiringRecord> load_state_file(const std::string& path);

// Writes `records` to `path` atomically. Throws std::runtime_error naming the step and errno.
void save_state_file(const std::string& path, const std::vector<FiringRecord>& records);

}  // namespace flowlens::webhook
