#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# wrk against sink-jsonapi's /metrics/servers with 1,000 servers in the snapshot, on loopback.
#   tests/bench/wrk/jsonapi.sh [BUILD_DIR]   (default: build)
# Env: SERVERS=1000 THREADS=1 (server threads) WRK_THREADS=2 CONNECTIONS=50 DURATION=10s
#      EXTRA=1 also runs the two reference points below (EXTRA=0: the main figure only).
# Runs, each with --latency:
#   1. the figure:  GET /metrics/servers, identity (what the original's clients send)
#   2. reference:   the same with Accept-Encoding: gzip (the body pre-compressed per snapshot)
#   3. floor:       GET /metrics/servers/srv-1, one ~200-byte object: the per-request cost
#                   without the 200 KB body, i.e. what HTTP handling alone allows here
# Prints wrk's own reports and one summary line per run. Figures, not a pass/fail test.
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
build=${1:-$root/build}
server_bin=$build/tests/sink_jsonapi/flowlens-jsonapi-bench-server
servers=${SERVERS:-1000}
threads=${THREADS:-1}
wrk_threads=${WRK_THREADS:-2}
connections=${CONNECTIONS:-50}
duration=${DURATION:-10s}
extra=${EXTRA:-1}

command -v wrk >/dev/null || { echo "jsonapi.sh: wrk not installed (scripts/install-deps.sh --test)" >&2; exit 1; }
[ -x "$server_bin" ] || { echo "jsonapi.sh: build it first: ninja -C $build flowlens-jsonapi-bench-server" >&2; exit 1; }

out=$(mktemp -d)
# The server exits on its own after --seconds, so a killed script cannot leave it running.
"$server_bin" --servers "$servers" --threads "$threads" --seconds 120 >"$out/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$out"' EXIT

port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$out/server.log")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "jsonapi.sh: server did not start:" >&2; cat "$out/server.log" >&2; exit 1; }
bytes=$(sed -n 's/^body \([0-9]*\) bytes$/\1/p' "$out/server.log")
gz_bytes=$(sed -n 's/^gzip \([0-9]*\) bytes$/\1/p' "$out/server.log")
echo "# $servers servers; list body $bytes bytes ($gz_bytes gzipped); server threads $threads;" \
  "$(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

run() {  # run LABEL PATH [wrk args...]
  local label=$1 path=$2
  shift 2
  local url=http://127.0.0.1:$port$path
  echo
  echo "# wrk -t$wrk_threads -c$connections -d$duration --latency $* $url"
  wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency "$@" "$url" | tee "$out/wrk.txt"
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$out/wrk.txt")
  echo "RESULT $label: ${rps} req/s, p99 ${p99}"
}

run "/metrics/servers (aim >= 20000 req/s, p99 < 10ms)" /metrics/servers
if [ "$extra" = 1 ]; then
  run "/metrics/servers gzip (reference)" /metrics/servers -H "Accept-Encoding: gzip"
  run "/metrics/servers/srv-1 (floor)" /metrics/servers/srv-1
fi
