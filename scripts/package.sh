#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds the Debian packages flowlens and flowlens-dev as Debian builds a package: Debian's own
# compiler and linker flags (dpkg-buildflags: -O2, -fstack-protector-strong, _FORTIFY_SOURCE=2,
# relro/now), prefix /usr, no tests; then cpack -G DEB. Prints the .deb paths.
#   scripts/package.sh [BUILD_DIR] [extra cmake args...]    BUILD_DIR defaults to build-deb/
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build-deb}
shift || true
JOBS=${FLOWLENS_JOBS:-$(nproc)}
# hardening=+all adds bindnow (-Wl,-z,now) to the default relro, as most daemons' packages do.
export DEB_BUILD_MAINT_OPTIONS=${DEB_BUILD_MAINT_OPTIONS:-hardening=+all}
cd "$ROOT"  # -ffile-prefix-map maps the directory dpkg-buildflags runs in
# CMake does not read CPPFLAGS (where _FORTIFY_SOURCE is): fold them in, as debhelper does.
cppflags=$(dpkg-buildflags --get CPPFLAGS)
CFLAGS="$(dpkg-buildflags --get CFLAGS) $cppflags"
CXXFLAGS="$(dpkg-buildflags --get CXXFLAGS) $cppflags"
LDFLAGS=$(dpkg-buildflags --get LDFLAGS)
export CFLAGS CXXFLAGS LDFLAGS
# Build type None: the flags above and nothing else.
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_INSTALL_PREFIX=/usr \
  -DFLOWLENS_BUILD_TESTS=OFF "$@"
cmake --build "$BUILD" -j "$JOBS"
(cd "$BUILD" && cpack -G DEB)
ls "$BUILD"/*.deb
