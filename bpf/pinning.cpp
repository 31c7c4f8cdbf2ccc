// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/pinning.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/magic.h>
#include <spdlog/spdlog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace flowlens::bpf {
namespace {

// The maps FlowLens pins; the same names the program declares (libbpf pins by name).
constexpr const char* kPinnedMaps[] = {"flowlens_flows", "flowlens_admit", "flowlens_ports"};

bool is_bpffs(const std::string& path) {
  struct statfs st {};
  return statfs(path.c_str(), &st) == 0 &&
         st.f_type == static_cast<decltype(st.f_type)>(BPF_FS_MAGIC);
}

bool under(const std::string& path, const std::string& root) {
  return path == root || path.rfind(root + "/", 0) == 0;
}

// True when this process shares the mount namespace of PID 1 (where a mount outlives the
// process) or, where PID 1's is not readable (inside a container), of the process that started
// it: `ip netns exec` and PrivateMounts= give the daemon one of its own.
bool in_parents_mount_namespace() {
  struct stat self {};
  if (stat("/proc/self/ns/mnt", &self) != 0) return true;
  for (const std::string& other :
       {std::string("/proc/1/ns/mnt"), "/proc/" + std::to_string(getppid()) + "/ns/mnt"}) {
    struct stat st {};
    if (stat(other.c_str(), &st) == 0) return self.st_ino == st.st_ino && self.st_dev == st.st_dev;
  }
  return true;  // nothing to compare with: do not warn on a guess
}

// Mounts bpffs at kBpffsMountPoint; false (with the reason logged) when that is impossible.
bool mount_bpffs() {
  std::error_code ec;
  std::filesystem::create_directories(kBpffsMountPoint, ec);
  if (mount("bpf", kBpffsMountPoint, "bpf", 0, "mode=0700") != 0) {
    spdlog::warn(
        "bpffs is not mounted at {} and mounting it failed ({}): maps will not be pinned, "
        "counts restart from zero with the daemon",
        kBpffsMountPoint, std::strerror(errno));
    return false;
  }
  spdlog::info("mounted bpffs at {} to pin maps", kBpffsMountPoint);
  return true;
}

// The definition the pinned map at `fd` has, compared with what `map` asks for.
std::string mismatch(int fd, const bpf_map* map) {
  bpf_map_info info{};
  __u32 len = sizeof(info);
  if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0)
    return std::string("unreadable: ") + std::strerror(errno);
  if (info.type != static_cast<__u32>(bpf_map__type(map))) return "map type differs";
  // Key and value layouts change only between FlowLens versions (flowlens.h), never by config.
  if (info.key_size != bpf_map__key_size(map) || info.value_size != bpf_map__value_size(map))
    return "key/value size " + std::to_string(info.key_size) + "/" +
           std::to_string(info.value_size) + " != " + std::to_string(bpf_map__key_size(map)) + "/" +
           std::to_string(bpf_map__value_size(map)) +
           " of this build: left by a FlowLens version with another record layout";
  if (info.max_entries != bpf_map__max_entries(map))
    return "max_entries " + std::to_string(info.max_entries) + " != configured " +
           std::to_string(bpf_map__max_entries(map));
  if (info.map_flags != bpf_map__map_flags(map)) return "map flags differ";
  return {};
}

}  // namespace

std::string prepare_pin_dir(const std::string& pin_dir, bool* survives_restart) {
  if (survives_restart) *survives_restart = true;
  if (pin_dir.empty()) return {};
  std::string mount_dir = std::filesystem::path(pin_dir).parent_path().string();
  if (!is_bpffs(mount_dir) && !is_bpffs(pin_dir)) {
    if (!under(pin_dir, kBpffsMountPoint)) {
      spdlog::warn("{} is not on a bpffs mount: maps will not be pinned", pin_dir);
      return {};
    }
    if (!is_bpffs(kBpffsMountPoint)) {
      if (!mount_bpffs()) return {};
      if (!in_parents_mount_namespace()) {
        if (survives_restart) *survives_restart = false;
        spdlog::warn(
            "bpffs was mounted at {} inside this process's own mount namespace (ip netns exec, "
            "a unit with PrivateMounts, a container): the pinned maps die with it, so the next "
            "run starts from zero; mount bpffs where the next run sees it (mount -t bpf bpf {})",
            kBpffsMountPoint, kBpffsMountPoint);
      }
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(pin_dir, ec);
  if (ec) {
    spdlog::warn("cannot create pin directory {} ({}): maps will not be pinned", pin_dir,
                 ec.message());
    return {};
  }
  return pin_dir;
}

Status prepare_map_pin(bpf_map* map, const std::string& pin_dir) {
  std::string path = pin_dir + "/" + bpf_map__name(map);
  int fd = bpf_obj_get(path.c_str());
  if (fd >= 0) {
    std::string why = mismatch(fd, map);
    close(fd);
    if (why.empty()) {
      spdlog::info("reusing pinned map {} from an earlier run", path);
    } else {
      spdlog::warn(
          "pinned map {} does not match this configuration ({}): replacing it, its "
          "counts are lost",
          path, why);
      if (unlink(path.c_str()) != 0)
        return make_error("pin " + path, -errno, "cannot remove the mismatched pinned map");
    }
  } else if (errno != ENOENT) {
    spdlog::warn("cannot open pinned map {} ({}): replacing it", path, std::strerror(errno));
    unlink(path.c_str());
  }
  if (int ret = bpf_map__set_pin_path(map, path.c_str()); ret != 0)
    return make_error("pin " + path, ret, "cannot set the pin path");
  return ok_status();
}

Status remove_pins(const std::string& pin_dir) {
  for (const char* name : kPinnedMaps) {
    std::string path = pin_dir + "/" + name;
    if (unlink(path.c_str()) != 0 && errno != ENOENT)
      return make_error("unpin " + path, -errno, "cannot remove pinned map");
  }
  rmdir(pin_dir.c_str());  // only succeeds when empty, which is the point
  return ok_status();
}

}  // namespace flowlens::bpf
