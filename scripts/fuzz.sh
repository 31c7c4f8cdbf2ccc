#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds the libFuzzer targets (tests/fuzz/) with clang in build-fuzz/ and runs each for
# SECONDS_PER_TARGET (default 300) from its seed corpus, as many at once as there are cores.
# Fails when any target crashes, leaks, hangs or trips ASan/UBSan; the input that did it is kept
# in build-fuzz/artifacts/TARGET/ and the run's log in build-fuzz/logs/TARGET.log. What a run
# finds stays in build-fuzz/corpus/TARGET/ and seeds the next run.
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (scripts/test.sh runs it briefly)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER_TARGET=${1:-300}
shift || true
BUILD=${FLOWLENS_FUZZ_BUILD:-$ROOT/build-fuzz}
JOBS=${FLOWLENS_JOBS:-$(nproc)}
# An input slower than this is reported as a hang: no parser needs seconds for a few kB.
INPUT_TIMEOUT=${FLOWLENS_FUZZ_INPUT_TIMEOUT:-10}
# 0 lets libFuzzer pick a seed (it prints it); scripts/test.sh fixes one, so that a CI run that
# fails can be repeated from the same corpus.
SEED=${FLOWLENS_FUZZ_SEED:-0}

build_start=$(date +%s)
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLOWLENS_WERROR=ON \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DFLOWLENS_BUILD_FUZZERS=ON \
  >/dev/null
cmake --build "$BUILD" -j "$JOBS" --target flowlens_fuzzers
echo "fuzz: built in $(($(date +%s) - build_start)) s"

targets=()
declare -A max_len
while read -r name len; do
  max_len[$name]=$len
  if [ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx "$name"; then targets+=("$name"); fi
done <"$BUILD/tests/fuzz/fuzzers.txt"
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no target named $*" >&2; exit 2; }

run_one() {  # name
  local name=$1 rc work="$BUILD/corpus/$1" log="$BUILD/logs/$1.log"
  mkdir -p "$work" "$BUILD/artifacts/$name" "$BUILD/logs"
  # New inputs go to the first directory; the checked-in seeds are only read.
  "$BUILD/tests/fuzz/fuzz_$name" -max_total_time="$SECONDS_PER_TARGET" \
    -max_len="${max_len[$name]}" -timeout="$INPUT_TIMEOUT" -seed="$SEED" -print_final_stats=1 \
    -artifact_prefix="$BUILD/artifacts/$name/" "$work" "$ROOT/tests/fuzz/corpus/$name" \
    >"$log" 2>&1 && rc=0 || rc=$?
  echo "$rc" >"$BUILD/logs/$name.rc"
}

# A target that needs root (bpf_program) and cannot have it exits 4 with a "skipped: why" line;
# with FLOWLENS_REQUIRE_PRIVILEGED=1 it fails instead, as the privileged tests do.
skipped() {  # name status
  [ "$2" = 4 ] && grep -q '^skipped: ' "$BUILD/logs/$1.log"
}

summary() {  # name status
  local log="$BUILD/logs/$1.log"
  local execs rate corpus
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  # A run that dies on its first input prints no corpus line.
  corpus=$( (grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" || true) | tail -1 | cut -d' ' -f2)
  if [ "$2" = 0 ]; then
    printf 'fuzz: %-22s %10s execs %7s/s  corpus %s\n' "$1" "${execs:-?}" "${rate:-?}" \
      "${corpus:-?}"
  elif skipped "$1" "$2"; then
    echo "fuzz: $1 $(grep -m1 '^skipped: ' "$log")"
  else
    echo "fuzz: $1 FAILED (exit $2); input in $BUILD/artifacts/$1/, log $log:" >&2
    grep -A40 -m1 -E '^==[0-9]+==ERROR|^fuzz check failed|runtime error|ALARM|uncaught|deadly' \
      "$log" >&2 || tail -40 "$log" >&2
  fi
}

run_start=$(date +%s)
running=0
for name in "${targets[@]}"; do
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  rm -f "$BUILD/logs/$name.rc"
  run_one "$name" &
  running=$((running + 1))
done
wait
status=0
for name in "${targets[@]}"; do
  rc=$(cat "$BUILD/logs/$name.rc" 2>/dev/null || echo missing)
  summary "$name" "$rc"
  [ "$rc" = 0 ] || skipped "$name" "$rc" || status=1
done
echo "fuzz: ${#targets[@]} targets ran in $(($(date +%s) - run_start)) s"
exit $status
