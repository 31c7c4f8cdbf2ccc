/* SPDX-License-Identifier: BSD-2-Clause */
// What a serving plugin reports about its connections (/health, a metric), so that hitting the
// connection limit is seen by its operator and not only felt by the clients refused.
#pragma once

#include <cstddef>
#include <cstdint>

namespace flowlens::http {

struct ConnectionStats {
  std::size_t open = 0;
  std::size_t max = 0;        // limits.max_connections
  std::uint64_t refused = 0;  // since start: answered 503 for being over the limit
};

}  // namespace flowlens::http
