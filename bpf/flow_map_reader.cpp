// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/flow_map_reader.h"

#include <bpf/bpf.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <cstdint>

namespace flowlens::bpf {
namespace {

// Records per lookup_batch call: big enough that a 1M-flow map takes ~250 syscalls, small enough
// that the buffers stay a few hundred KiB.
constexpr uint32_t kBatchRecords = 4096;
// A hash bucket larger than the batch makes the kernel answer ENOSPC; grow up to this, then fail.
constexpr uint32_t kMaxBatchRecords = 1U << 20;
// Not in userspace errno.h; the kernel's "operation not supported" for missing batch ops.
constexpr int kEnotsupp = 524;
// Ceiling on read/erase loop rounds so a map rewritten under us cannot spin forever.
constexpr size_t kMaxRounds = 1U << 24;

}  // namespace

void FlowMapReader::read_all(std::vector<model::FlowRecord>& out) {
  if (auto s = read_all_checked(out); !s) spdlog::error("{}", s.error().what());
}

Status FlowMapReader::read_all_checked(std::vector<model::FlowRecord>& out) {
  out.clear();
  if (batch_) {
    Status s = read_batched(out);
    if (s || (s.error().err != EINVAL && s.error().err != kEnotsupp && s.error().err != EOPNOTSUPP))
      return s;
    spdlog::warn("kernel refused bpf_map_lookup_batch (errno {}): reading the flow map key by key",
                 s.error().err);
    batch_ = false;
    out.clear();
  }
  return read_by_key(out);
}

Status FlowMapReader::read_batched(std::vector<model::FlowRecord>& out) {
  uint32_t chunk = kBatchRecords;
  uint64_t in_token = 0, out_token = 0;  // hash maps use a u32 bucket index; 8 bytes is ample
  bool first = true;
  LIBBPF_OPTS(bpf_map_batch_opts, opts);
  for (size_t round = 0; round < kMaxRounds; ++round) {
    keys_.resize(chunk);
    values_.resize(chunk);
    uint32_t count = chunk;
    int ret = bpf_map_lookup_batch(fd_, first ? nullptr : &in_token, &out_token, keys_.data(),
                                   values_.data(), &count, &opts);
    int err = ret < 0 ? -ret : 0;
    if (err == ENOSPC && count == 0 && chunk < kMaxBatchRecords) {
      chunk *= 2;  // one bucket holds more than `chunk` entries
      continue;
    }
    for (uint32_t i = 0; i < count; ++i) out.push_back({keys_[i], values_[i]});
    if (err == ENOENT) return ok_status();  // end of map
    if (err != 0) return make_error("read flow map", ret, "bpf_map_lookup_batch failed");
    in_token = out_token;
    first = false;
  }
  return Error{"read flow map", EAGAIN, "flow map did not end within the round limit"};
}

Status FlowMapReader::read_by_key(std::vector<model::FlowRecord>& out) {
  flowlens_flow_key key{}, next{};
  const flowlens_flow_key* prev = nullptr;
  for (size_t round = 0; round < kMaxRounds; ++round) {
    if (bpf_map_get_next_key(fd_, prev, &next) != 0) {
      if (errno == ENOENT) return ok_status();
      return make_error("read flow map", -errno, "bpf_map_get_next_key failed");
    }
    model::FlowRecord r{next, {}};
    if (bpf_map_lookup_elem(fd_, &next, &r.value) == 0) out.push_back(r);
    key = next;
    prev = &key;
  }
  return Error{"read flow map", EAGAIN, "flow map did not end within the round limit"};
}

void FlowMapReader::erase(std::span<const flowlens_flow_key> keys) {
  size_t done = 0;
  LIBBPF_OPTS(bpf_map_batch_opts, opts);
  for (size_t round = 0; round < kMaxRounds && done < keys.size(); ++round) {
    if (batch_) {
      uint32_t count = static_cast<uint32_t>(std::min<size_t>(keys.size() - done, kBatchRecords));
      int ret = bpf_map_delete_batch(fd_, keys.data() + done, &count, &opts);
      done += count;
      if (ret == 0) continue;
      if (ret == -ENOENT) {
        ++done;  // the kernel stops at a key already gone (expired by LRU): skip it
        continue;
      }
      if (ret != -EINVAL && ret != -kEnotsupp && ret != -EOPNOTSUPP) {
        spdlog::error("erase flows: bpf_map_delete_batch failed (errno {})", -ret);
        return;
      }
      spdlog::warn("kernel refused bpf_map_delete_batch (errno {}): erasing key by key", -ret);
      batch_ = false;
    }
    for (; done < keys.size(); ++done) bpf_map_delete_elem(fd_, &keys[done]);
  }
}

namespace {

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

}  // namespace

Result<double> time_batch_read_ms(int map_fd, std::size_t* flows, double* cpu_ms) {
  FlowMapReader reader(map_fd);
  std::vector<model::FlowRecord> out;
  // A first pass sizes the buffers, as they are in a daemon after its first tick.
  if (auto s = reader.read_all_checked(out); !s) return s.error();
  double cpu_start = thread_cpu_ms();
  auto start = std::chrono::steady_clock::now();
  if (auto s = reader.read_all_checked(out); !s) return s.error();
  std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  if (cpu_ms) *cpu_ms = thread_cpu_ms() - cpu_start;
  if (flows) *flows = out.size();
  return took.count();
}

}  // namespace flowlens::bpf
