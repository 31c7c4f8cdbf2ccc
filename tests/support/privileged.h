/* SPDX-License-Identifier: BSD-2-Clause */
// Gate for tests that need root, BPF, network namespaces or dockerd. Without the privilege they
// skip; with FLOWLENS_REQUIRE_PRIVILEGED=1 (CI) they fail, so CI can never pass by skipping.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>

namespace flowlens::testing {

inline bool privileged_required() {
  const char* v = std::getenv("FLOWLENS_REQUIRE_PRIVILEGED");
  return v != nullptr && std::string_view(v) == "1";
}

inline std::string source_dir() {
  const char* v = std::getenv("FLOWLENS_SOURCE_DIR");
  return v ? v : FLOWLENS_TEST_SOURCE_DIR;
}

inline std::string binary_dir() {
  const char* v = std::getenv("FLOWLENS_BINARY_DIR");
  return v ? v : FLOWLENS_TEST_BINARY_DIR;
}

}  // namespace flowlens::testing

// Use at the top of a test body: skips (or fails under FLOWLENS_REQUIRE_PRIVILEGED=1) with `why`.
#define FLOWLENS_PRIVILEGED_UNAVAILABLE(why)                                       \
  do {                                                                             \
    if (::flowlens::testing::privileged_required()) {                              \
      FAIL() << "privileged test cannot run: " << (why)                            \
             << " (FLOWLENS_REQUIRE_PRIVILEGED=1 turns this skip into a failure)"; \
    }                                                                              \
    GTEST_SKIP() << "privileged test skipped: " << (why);                          \
  } while (0)

#define FLOWLENS_REQUIRE_ROOT()                                                   \
  do {                                                                            \
    if (::geteuid() != 0) FLOWLENS_PRIVILEGED_UNAVAILABLE("not running as root"); \
  } while (0)
