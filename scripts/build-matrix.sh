#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds FlowLens, tests included, every way a user or a distribution does, each with -Werror so
# any warning fails: Release, RelWithDebInfo, Debug (scripts/build.sh), and Debian's own flags
# (scripts/package.sh, which also makes the .debs). Four full builds: too long for CI, so run it
# before a release or after a compiler or dependency change.
#   scripts/build-matrix.sh [OUT_DIR]    one build directory per variant, default build-matrix/
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/build-matrix}
for type in Release RelWithDebInfo Debug; do
  echo "== build-matrix: $type"
  FLOWLENS_BUILD_TYPE=$type "$ROOT/scripts/build.sh" "$OUT/$type"
done
echo "== build-matrix: dpkg-buildflags"
"$ROOT/scripts/package.sh" "$OUT/dpkg-buildflags" -DFLOWLENS_BUILD_TESTS=ON -DFLOWLENS_WERROR=ON
echo "build-matrix: Release, RelWithDebInfo, Debug and dpkg-buildflags built with -Werror"
