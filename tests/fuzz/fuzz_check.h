/* SPDX-License-Identifier: BSD-2-Clause */
// A fuzz target's own assertion: prints what broke and aborts, which libFuzzer reports as a crash
// and saves the input for.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace flowlens::fuzz {

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what.c_str());
  std::abort();
}

// An error must say where in the input it is: its message starts with one of `places` (the
// answer's or section's own keys, or a fixed root such as "container").
template <typename Places>
void require_place(std::string_view message, const Places& places) {
  for (std::string_view p : places)
    if (!p.empty() && message.starts_with(p)) return;
  fail("an error that names no place in the input: " + std::string(message));
}

}  // namespace flowlens::fuzz
