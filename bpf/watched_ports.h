/* SPDX-License-Identifier: BSD-2-Clause */
// The set of (port, protocol) pairs the kernel program counts: the watched-ports hash map (the
// record, with each port's server index) and its bitmap mirror that packets actually test.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "bpf/result.h"
#include "model/server.h"

namespace flowlens::bpf {

struct WatchedEndpoint {
  model::Endpoint endpoint;
  uint32_t server_index = 0;  // the caller's index of the owning server, shown by bpftool
};

class WatchedPorts {
 public:
  // `ports_fd`: the flowlens_ports hash map; `bitmap_fd`: the program's .bss array holding
  // struct flowlens_port_bitmap. Both stay owned by the caller.
  WatchedPorts(int ports_fd, int bitmap_fd) : ports_fd_(ports_fd), bitmap_fd_(bitmap_fd) {}

  // Makes exactly `endpoints` watched: adds new keys, removes stale ones. The bitmap switches in
  // one update first, so no packet of a port present in both sets is missed in between.
  Status replace(std::span<const WatchedEndpoint> endpoints);
  Status replace(std::span<const model::Endpoint> endpoints);

  // Rewrites the bitmap from the hash map, e.g. after reusing a pinned map from an earlier run.
  Status sync_bitmap();

  // What the hash map holds now.
  Result<std::vector<WatchedEndpoint>> current() const;

 private:
  Status write_bitmap(std::span<const WatchedEndpoint> endpoints);

  int ports_fd_;
  int bitmap_fd_;
};

}  // namespace flowlens::bpf
