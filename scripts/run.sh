#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs what FlowLens needs, builds it and runs flowlensd in the foreground on the shipped
# conf.d/ defaults. Run as root on Debian 12. Extra arguments go to `flowlensd run`, e.g.
#   scripts/run.sh --interface eth0 --log-level debug
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/build.sh" "$ROOT/build" -DFLOWLENS_BUILD_TESTS=OFF
exec "$ROOT/build/core/daemon/flowlensd" run --conf-dir "$ROOT/conf.d" \
  --plugin-dir "$ROOT/build/plugins" "$@"
