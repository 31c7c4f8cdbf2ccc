#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs every Debian 12 package FlowLens needs to build, run and test. Idempotent: packages
# already present are skipped, so a second run costs one dpkg query.
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build pkg-config git
  clang llvm bpftool libbpf-dev libelf-dev zlib1g-dev linux-libc-dev
  libboost1.81-dev libboost-json1.81-dev
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev libpcap-dev libcurl4-openssl-dev
  prometheus-cpp-dev libssl-dev
  file  # cpack -G DEB finds the ELF files to run dpkg-shlibdeps on with it
)
RUN_PKGS=(iproute2 libprometheus-cpp-core1.0)
TEST_PKGS=(googletest libgtest-dev libbenchmark-dev python3 tcpdump tcpreplay wrk clang-format prometheus
  prometheus-alertmanager
  docker.io busybox-static)  # discovery-docker's tests: their own dockerd, an image from busybox
TEST_PKGS+=(systemd)  # systemd-analyze verify and security on the unit
TEST_PKGS+=(groff-base)  # the package tests: groff checks the man page
TEST_PKGS+=(openssl)  # the TLS test makes its own certificates with the openssl command
TEST_PKGS+=(faketime)  # clock_disk steps the daemon's wall clock with libfaketime
# scripts/fuzz.sh: libFuzzer and the sanitizer runtimes come with Debian's clang-14 through
# libclang-rt-14-dev, which plain `clang` does not always pull in.
TEST_PKGS+=(clang-14 libclang-rt-14-dev)

IMAGE_PKGS=(debootstrap docker.io)  # scripts/build-image.sh: the base image from Debian's mirror

want=("${BUILD_PKGS[@]}" "${RUN_PKGS[@]}")
if [ "${1:-}" = "--image" ]; then want+=("${IMAGE_PKGS[@]}"); fi
if [ "${1:-}" = "--test" ]; then
  want+=("${TEST_PKGS[@]}" nodejs)
  # Debian's nodejs ships npm as its own package; a nodejs that bundles npm conflicts with it.
  command -v npm >/dev/null || want+=(npm)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages present"
elif [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
else
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages the tests run, pinned, each in its own fixed prefix (the tests look there).
npm_test_package() {  # name version prefix
  local installed
  installed=$(node -p "require('$3/node_modules/$1/package.json').version" 2>/dev/null || true)
  if [ "$installed" = "$2" ]; then
    echo "install-deps: npm $1@$2 present in $3"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: npm $1@$2 missing in $3; run as root to install it" >&2
    exit 1
  fi
  mkdir -p "$3"
  npm install --prefix "$3" --no-audit --no-fund --omit=optional "$1@$2"
}
if [ "${1:-}" = "--test" ]; then
  # The Etsy StatsD daemon that tests/sink_statsd pushes to.
  npm_test_package statsd 0.9.0 /opt/flowlens-test/statsd
fi
