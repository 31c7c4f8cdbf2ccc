#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs what the tests need, builds everything and runs every test with ctest.
# Run as root on Debian 12: the BPF and network-namespace tests need it. With
# FLOWLENS_REQUIRE_PRIVILEGED=1 a privileged test that cannot run fails instead of skipping.
#   scripts/test.sh             build/ + the whole suite
#   scripts/test.sh --sanitize  then an ASan+UBSan build (build-asan/) running every test again but
#                               those labelled accuracy or counting (the counts are the same code,
#                               already tested; the other end-to-end tests run the daemon's paths)
#                               or timing (bounds in seconds that an -O0 sanitizer build cannot keep)
#   scripts/test.sh --tsan      then a ThreadSanitizer build (build-tsan/) doing the same; a race
#                               fails the test (the daemon exits 66), not part of CI
#   scripts/test.sh -R REGEX    only the tests matching REGEX (passed to ctest), no fuzzing
# The whole suite also runs every libFuzzer target briefly (scripts/fuzz.sh, FLOWLENS_FUZZ_SECONDS
# per target, default 10, libFuzzer seed FLOWLENS_FUZZ_SEED, default 1); a crash fails the run.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SANITIZE=0
TSAN=0
CTEST_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) SANITIZE=1; shift ;;
    --tsan) TSAN=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) CTEST_ARGS+=("$1"); shift ;;
  esac
done
"$ROOT/scripts/install-deps.sh" --test
"$ROOT/scripts/build.sh" "$ROOT/build" -DFLOWLENS_BUILD_TESTS=ON
status=0
ctest --test-dir "$ROOT/build" --output-on-failure --no-tests=error "${CTEST_ARGS[@]}" || status=$?
if [ ${#CTEST_ARGS[@]} -eq 0 ]; then
  FLOWLENS_FUZZ_SEED=${FLOWLENS_FUZZ_SEED:-1} "$ROOT/scripts/fuzz.sh" "${FLOWLENS_FUZZ_SECONDS:-10}" ||
    status=$?
fi
if [ "$SANITIZE" = 1 ]; then
  # Debug (-O0) compiles much faster than an optimised sanitizer build; the tests here are small.
  "$ROOT/scripts/build.sh" "$ROOT/build-asan" -DFLOWLENS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  ASAN_OPTIONS=detect_leaks=1 ctest --test-dir "$ROOT/build-asan" --output-on-failure \
    --no-tests=error -LE "accuracy|counting|timing" "${CTEST_ARGS[@]}" || status=$?
fi
if [ "$TSAN" = 1 ]; then
  "$ROOT/scripts/build.sh" "$ROOT/build-tsan" -DFLOWLENS_TSAN=ON -DCMAKE_BUILD_TYPE=Debug
  TSAN_OPTIONS=exitcode=66 ctest --test-dir "$ROOT/build-tsan" --output-on-failure \
    --no-tests=error -LE "accuracy|counting|timing" "${CTEST_ARGS[@]}" || status=$?
fi
exit $status
