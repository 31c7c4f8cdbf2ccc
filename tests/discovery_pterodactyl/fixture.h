/* SPDX-License-Identifier: BSD-2-Clause */
// Reads a file from tests/discovery_pterodactyl/fixtures/.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace flowlens::discovery_pterodactyl::test {

inline std::string fixture(const std::string& name) {
  const std::string path =
      std::string(FLOWLENS_TEST_SOURCE_DIR) + "/tests/discovery_pterodactyl/fixtures/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read fixture " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace flowlens::discovery_pterodactyl::test
