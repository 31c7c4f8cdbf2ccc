#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds the FlowLens container image (Dockerfile) from Debian's packages alone: the base image is
# a Debian 12 root made by debootstrap from Debian's mirror and imported into Docker, so no image
# registry is involved. Uses the dockerd that answers on the default socket; without one it
# starts a private dockerd (own socket, data root and exec root under the work directory), builds
# there, saves the image to WORK/flowlens-image.tar (`docker load -i` it where it is needed) and
# stops that dockerd again. Prints the build time and image size, then runs the image once.
#
# usage (as root): scripts/build-image.sh [TAG]          TAG defaults to flowlens:latest
#   FLOWLENS_IMAGE_WORK  work directory, kept for the next run (default /var/tmp/flowlens-image)
#   DEBIAN_MIRROR        Debian mirror for debootstrap and apt (default http://deb.debian.org/debian)
# Needs debootstrap and Docker: scripts/install-deps.sh --image installs them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TAG=${1:-flowlens:latest}
WORK=${FLOWLENS_IMAGE_WORK:-/var/tmp/flowlens-image}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
SUITE=bookworm
BASE=flowlens-base:$SUITE
# dockerd answers within seconds; a loaded machine gets a minute.
DOCKERD_START_TIMEOUT=60

log() { echo "build-image: $*" >&2; }
[ "$(id -u)" -eq 0 ] || { log "run as root (debootstrap and dockerd need it)"; exit 1; }
for tool in debootstrap docker dockerd; do
  command -v "$tool" >/dev/null ||
    { log "$tool is missing: scripts/install-deps.sh --image installs it"; exit 1; }
done
mkdir -p "$WORK"

private_dockerd=
stop_private_dockerd() {
  [ -n "$private_dockerd" ] || return 0
  kill "$private_dockerd" 2>/dev/null || true
  wait "$private_dockerd" 2>/dev/null || true
}
trap stop_private_dockerd EXIT

if docker info >/dev/null 2>&1; then
  log "using the running dockerd"
else
  export DOCKER_HOST=unix://$WORK/docker.sock
  log "no dockerd answers: starting one on $DOCKER_HOST (log $WORK/dockerd.log)"
  # No bridge and no firewall rules: the build runs on the host network (--network host below)
  # and the host's iptables stay as they are.
  dockerd --host "$DOCKER_HOST" --data-root "$WORK/data" --exec-root "$WORK/exec" \
    --pidfile "$WORK/dockerd.pid" --bridge none --iptables=false --ip6tables=false \
    >"$WORK/dockerd.log" 2>&1 &
  private_dockerd=$!
  for ((i = 0; i < DOCKERD_START_TIMEOUT; i++)); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$private_dockerd" 2>/dev/null ||
      { log "dockerd exited:"; tail -20 "$WORK/dockerd.log" >&2; exit 1; }
    sleep 1
  done
  docker info >/dev/null 2>&1 ||
    { log "dockerd did not answer in ${DOCKERD_START_TIMEOUT} s"; exit 1; }
fi

start=$(date +%s)
if docker image inspect "$BASE" >/dev/null 2>&1; then
  log "base image $BASE present"
else
  rootfs=$WORK/rootfs-$SUITE
  if [ ! -x "$rootfs/usr/bin/apt-get" ]; then
    rm -rf "$rootfs"
    log "debootstrap $SUITE from $MIRROR into $rootfs"
    debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
      { log "debootstrap failed:"; tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
  fi
  # What a Debian image carries: the release, its updates and its security archive.
  cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
SOURCES
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  log "importing $rootfs as $BASE"
  tar -C "$rootfs" --numeric-owner -c . | docker import - "$BASE" >/dev/null
fi

log "docker build -t $TAG (BASE=$BASE)"
docker build --network host --build-arg "BASE=$BASE" -t "$TAG" "$ROOT"
end=$(date +%s)
size=$(docker image inspect "$TAG" --format '{{.Size}}')
log "built $TAG in $((end - start)) s; image size $((size / 1000000)) MB"

docker run --rm "$TAG" flowlensd --version
docker run --rm "$TAG" flowlensd check-config

if [ -n "$private_dockerd" ]; then
  docker save -o "$WORK/flowlens-image.tar" "$TAG"
  log "saved to $WORK/flowlens-image.tar: docker load -i it into the dockerd that runs FlowLens"
fi
