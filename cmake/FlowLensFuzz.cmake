# SPDX-License-Identifier: BSD-2-Clause
# FLOWLENS_BUILD_FUZZERS: the libFuzzer targets of tests/fuzz/, one per parser of outside input.
# clang only: every library is instrumented for coverage (fuzzer-no-link) and checked by ASan +
# UBSan, a UBSan report stopping the run like a crash. Meant for a build dir of its own
# (scripts/fuzz.sh uses build-fuzz/), where only the fuzzers and the libraries they link get built.
option(FLOWLENS_BUILD_FUZZERS "Build the libFuzzer targets of tests/fuzz (clang only)" OFF)
if(FLOWLENS_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "FLOWLENS_BUILD_FUZZERS needs clang (libFuzzer): configure with "
      "-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14, as scripts/fuzz.sh does")
  endif()
  if(FLOWLENS_SANITIZE OR FLOWLENS_TSAN)
    message(FATAL_ERROR "FLOWLENS_BUILD_FUZZERS brings its own sanitizers: leave "
      "FLOWLENS_SANITIZE and FLOWLENS_TSAN off")
  endif()
  # -O1: several times the executions per second of -O0 at a fraction of -O2's compile time.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer -O1 -gline-tables-only)
  add_link_options(-fsanitize=address,undefined)
endif()
