// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/probation_reader.h"

#include <bpf/bpf.h>

#include <cerrno>

namespace flowlens::bpf {

ProbationReader::ProbationReader(int map_fd) : fd_(map_fd) {
  bpf_map_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(map_fd, &info, &len) == 0) {
    keys_.resize(info.max_entries);
    slots_.resize(info.max_entries);
  }
}

Result<uint32_t> ProbationReader::waiting_since(uint64_t since_ns) {
  if (slots_.empty()) return make_error("read probation map", -EINVAL, "map not readable");
  // An array map: one call returns every slot (or ENOENT after the last, with the count read).
  LIBBPF_OPTS(bpf_map_batch_opts, opts);
  uint32_t out_token = 0;
  uint32_t count = static_cast<uint32_t>(slots_.size());
  if (bpf_map_lookup_batch(fd_, nullptr, &out_token, keys_.data(), slots_.data(), &count, &opts) !=
          0 &&
      errno != ENOENT)
    return make_error("read probation map", -errno, "bpf_map_lookup_batch failed");
  uint32_t waiting = 0;
  for (uint32_t i = 0; i < count; ++i) {
    const flowlens_probation_slot& s = slots_[i];
    if (!s.admitted && s.first.first_ns >= since_ns &&
        s.first.dir[0].packets + s.first.dir[1].packets != 0)
      ++waiting;
  }
  return waiting;
}

}  // namespace flowlens::bpf
