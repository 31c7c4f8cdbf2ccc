# SPDX-License-Identifier: BSD-2-Clause
# Every third-party dependency, found once, as Debian 12 packages provide them (scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf>=1.0)
pkg_check_modules(LIBPCAP REQUIRED IMPORTED_TARGET libpcap)
# Boost 1.81 or newer (Debian 12 has 1.81 beside its default 1.74, Debian 13 has 1.83). Where
# several are installed, the newest that qualifies wins rather than the first one found.
set(CMAKE_FIND_PACKAGE_SORT_ORDER NATURAL)
set(CMAKE_FIND_PACKAGE_SORT_DIRECTION DEC)
find_package(Boost 1.81.0 CONFIG REQUIRED COMPONENTS json)
unset(CMAKE_FIND_PACKAGE_SORT_ORDER)
unset(CMAKE_FIND_PACKAGE_SORT_DIRECTION)
find_package(Threads REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(yaml-cpp REQUIRED)
if(FLOWLENS_BUILD_TESTS)
  find_package(GTest REQUIRED)
  find_package(benchmark QUIET)
endif()

find_program(FLOWLENS_CLANG NAMES clang clang-14 REQUIRED)
find_program(FLOWLENS_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)
