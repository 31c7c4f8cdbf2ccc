# SPDX-License-Identifier: BSD-2-Clause
# FlowLens as a container, run the way the original was: host network, the BPF capabilities,
# /sys/fs/bpf and the Docker socket mounted (README, "Container image"). Two stages: the first
# builds with the project's own dependency script, the second holds only the daemon, its plugins,
# the shipped conf.d and the shared libraries they link.
#
# BASE is any Debian 12 image. scripts/build-image.sh makes one with debootstrap from Debian's
# own mirror and passes it here, so no image registry is needed.
ARG BASE=debian:bookworm

FROM ${BASE} AS build
COPY scripts/install-deps.sh /src/scripts/install-deps.sh
RUN /src/scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . /src
# RelWithDebInfo (the project's default) stripped at install: a Release build with GCC 12 stops
# on a -Werror=restrict warning inside libstdc++.
RUN FLOWLENS_JOBS="$(nproc)" /src/scripts/build.sh /build -DFLOWLENS_BUILD_TESTS=OFF \
      -DCMAKE_INSTALL_PREFIX=/usr \
 && DESTDIR=/out cmake --install /build --strip
# The runtime packages are what the binaries link, as Debian's own dpkg-shlibdeps resolves them,
# so this list cannot drift from the build.
RUN mkdir -p /shlibs/debian && touch /shlibs/debian/control && cd /shlibs \
 && dpkg-shlibdeps -O -e/out/usr/sbin/flowlensd $(find /out/usr/lib/flowlens -name '*.so' -printf ' -e%p') \
    | sed -e 's/^shlibs:Depends=//' -e 's/([^)]*)//g' -e 's/,/\n/g' | tr -d ' ' | sort -u \
    > /out/runtime-packages

FROM ${BASE}
COPY --from=build /out/runtime-packages /tmp/runtime-packages
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      $(cat /tmp/runtime-packages) \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages
COPY --from=build /out/usr/sbin/ /usr/sbin/
COPY --from=build /out/usr/lib/flowlens/ /usr/lib/flowlens/
COPY --from=build /out/usr/share/doc/flowlens/ /usr/share/doc/flowlens/
COPY --from=build /out/etc/flowlens/ /etc/flowlens/
# Mounts (README): /sys/fs/bpf (pins outlive the container), /run/flowlens (the interface lock,
# shared with a flowlensd on the host), the Docker socket. No VOLUME lines: an anonymous volume
# over /sys/fs/bpf would hide bpffs.
CMD ["flowlensd", "run"]
