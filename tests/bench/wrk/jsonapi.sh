#!/usr/bin/env bash
# wrk against sink-jsonapi's /metrics/servers with 1,000 servers in the snapshot, on loopback.
#   tests/bench/wrk/jsonapi.sh [BUILD_DIR]   (default: build)
# Env: SERVERS=1000 THREADS=1 (server threads) WRK_THREADS=2 CONNECTIONS=50 DURATION=10s
# Prints wrk's own report (with --latency) and one summary line. A figure, not a pass/fail test.
set -euo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
build=${1:-$root/build}
server_bin=$build/tests/sink_jsonapi/flowlens-jsonapi-bench-server
servers=${SERVERS:-1000}
threads=${THREADS:-1}
wrk_threads=${WRK_THREADS:-2}
connections=${CONNECTIONS:-50}
duration=${DURATION:-10s}

command -v wrk >/dev/null || { echo "jsonapi.sh: wrk not installed (scripts/install-deps.sh --test)" >&2; exit 1; }
[ -x "$server_bin" ] || { echo "jsonapi.sh: build $server_bin first (ninja -C $build flowlens-jsonapi-bench-server)" >&2; exit 1; }

out=$(mktemp -d)
# The server exits on its own after --seconds, so a killed script cannot leave it running.
"$server_bin" --servers "$servers" --threads "$threads" --seconds 60 >"$out/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$out"' EXIT

port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$out/server.log")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "jsonapi.sh: server did not start:" >&2; cat "$out/server.log" >&2; exit 1; }

url=http://127.0.0.1:$port/metrics/servers
bytes=$(sed -n 's/^body \([0-9]*\) bytes$/\1/p' "$out/server.log")
echo "# $servers servers, body $bytes bytes, server threads $threads, $(nproc) cores"
echo "# wrk -t$wrk_threads -c$connections -d$duration --latency $url"
wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency "$url" | tee "$out/wrk.txt"

rps=$(awk '/^Requests\/sec:/ {print $2}' "$out/wrk.txt")
p99=$(awk '$1 == "99%" {print $2}' "$out/wrk.txt")
echo "jsonapi /metrics/servers: ${rps} req/s, p99 ${p99} (aim >= 20000 req/s, p99 < 10ms)"
