/* SPDX-License-Identifier: BSD-2-Clause */
// A secret file for tests, written (or rewritten, as an operator rotating a key) with the mode
// given: 0600 passes the secret-file checks, 0644 is refused as readable by others.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace flowlens::testing {

// Writes `text` to `name` in the test's temp dir with `mode`, replacing any file there; returns
// its path.
inline std::string secret_file(const std::string& name, const std::string& text, mode_t mode) {
  const std::string path = ::testing::TempDir() + "/" + name;
  ::unlink(path.c_str());
  std::ofstream(path) << text;
  ::chmod(path.c_str(), mode);
  return path;
}

}  // namespace flowlens::testing
