/* SPDX-License-Identifier: BSD-2-Clause */
// Map pinning under bpffs, so a daemon restart (or a crash and restart) keeps the kernel's counts.
#pragma once

#include <string>

#include "bpf/result.h"

struct bpf_map;

namespace flowlens::bpf {

// Where bpffs is mounted when nothing is: the conventional place every BPF tool looks.
inline constexpr const char* kBpffsMountPoint = "/sys/fs/bpf";

// Makes `pin_dir` usable: mounts bpffs at kBpffsMountPoint if `pin_dir` lies under it and nothing
// is mounted there, then creates the directory. Returns the directory to pin in, or "" (with a
// warning logged) when pinning is impossible and maps will live only as long as the process.
// `survives_restart` is set false when bpffs had to be mounted inside a mount namespace of this
// process's own (`ip netns exec`, a unit with PrivateMounts): the pins then die with it.
std::string prepare_pin_dir(const std::string& pin_dir, bool* survives_restart = nullptr);

// Between open and load: points `map` at `pin_dir`/<map name>. A pin left by an earlier run is
// reused by load when its definition (type, key, value, max_entries, flags) matches; otherwise it
// is removed with a warning and a fresh map is pinned in its place.
Status prepare_map_pin(bpf_map* map, const std::string& pin_dir);

// Removes the pins FlowLens creates in `pin_dir`, and the directory when it is left empty.
Status remove_pins(const std::string& pin_dir);

}  // namespace flowlens::bpf
