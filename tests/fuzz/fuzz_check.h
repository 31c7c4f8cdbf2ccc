/* SPDX-License-Identifier: BSD-2-Clause */
// A fuzz target's own assertion: prints what broke and aborts, which libFuzzer reports as a crash
// and saves the input for.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace flowlens::fuzz {

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what.c_str());
  std::abort();
}

}  // namespace flowlens::fuzz
