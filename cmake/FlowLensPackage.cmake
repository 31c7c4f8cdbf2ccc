# SPDX-License-Identifier: BSD-2-Clause
# The Debian packages, made by `cpack -G DEB` in a build tree (scripts/package.sh does the whole
# build): `flowlens` (flowlensd, the plugins, conf.d as conffiles, the unit, the man page) and
# `flowlens-dev` (the SDK headers and its CMake package). Paths are the ones flowlensd looks in by
# default (core/config/config.h), whatever CMAKE_INSTALL_PREFIX the tree was configured with.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME flowlens)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(FLOWLENS_PACKAGE_MAINTAINER "FlowLens maintainers <flowlens@example.org>" CACHE STRING
  "Maintainer field of the .deb packages")
set(CPACK_PACKAGE_CONTACT "${FLOWLENS_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# As dh_strip does: the debug info stays in the build tree, not in what hosts install.
set(CPACK_STRIP_FILES ON)
# Maintainer scripts 0755, conffiles 0644, whatever the checkout's umask left.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Two packages from three install components: the daemon's files carry no component name.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_COMPONENTS_ALL Unspecified plugins sdk)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME flowlens)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "players per game server from network flows
flowlensd estimates how many players are on each game server of a host, for any game, from
per-flow counters an eBPF program keeps on the host's interface. Discovery plugins (static list,
Docker, Pterodactyl/Pelican) say which ports belong to which server; sink plugins publish the
estimates (JSON API, Prometheus, StatsD, webhooks).")
# The maintainer scripts call deb-systemd-helper and deb-systemd-invoke.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "init-system-helpers (>= 1.54~)")

# conffiles: every shipped conf.d file, so dpkg keeps an operator's edits on upgrade and removes
# them on purge.
file(GLOB shipped_conf RELATIVE ${PROJECT_SOURCE_DIR}/conf.d CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/conf.d/*.yaml)
list(SORT shipped_conf)
list(TRANSFORM shipped_conf PREPEND "${FLOWLENS_CONF_DIR}/")
list(JOIN shipped_conf "\n" conffiles)
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/deb/conffiles CONTENT "${conffiles}\n")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
  ${PROJECT_BINARY_DIR}/deb/conffiles
  ${PROJECT_SOURCE_DIR}/scripts/deb/postinst
  ${PROJECT_SOURCE_DIR}/scripts/deb/prerm
  ${PROJECT_SOURCE_DIR}/scripts/deb/postrm)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME flowlens-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_DESCRIPTION "plugin SDK for FlowLens
The C header that specifies the FlowLens plugin ABI, the header-only C++ helper over it, and
the CMake package: find_package(FlowLensSDK) and flowlens_add_plugin() build a discovery or sink
plugin out of tree.")
# The SDK's CMake package asks for the Boost.JSON flowlensd was built with.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "libboost-json${Boost_VERSION_MAJOR}.${Boost_VERSION_MINOR}-dev, cmake (>= 3.25)")

include(CPack)
cpack_add_component_group(runtime)
cpack_add_component_group(dev)
cpack_add_component(Unspecified GROUP runtime)
cpack_add_component(plugins GROUP runtime)
cpack_add_component(sdk GROUP dev)
