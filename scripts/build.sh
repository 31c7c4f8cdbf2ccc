#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Configures and builds FlowLens. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# BUILD_DIR defaults to build/. The build is incremental: a second run only rebuilds what changed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
shift || true
JOBS=${FLOWLENS_JOBS:-$(nproc)}
# -Werror here, not in CMakeLists.txt's defaults: a warning fails development and CI builds only.
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE="${FLOWLENS_BUILD_TYPE:-RelWithDebInfo}" \
  -DFLOWLENS_WERROR=ON "$@"
cmake --build "$BUILD" -j "$JOBS"
