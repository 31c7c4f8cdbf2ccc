/* SPDX-License-Identifier: BSD-2-Clause */
// Reads a recorded datagram from tests/sink_statsd/fixtures.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace flowlens::statsd::testing {

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(FLOWLENS_TEST_SOURCE_DIR) + "/tests/sink_statsd/fixtures/" + name,
                   std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace flowlens::statsd::testing
