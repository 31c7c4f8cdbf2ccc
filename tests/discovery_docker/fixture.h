/* SPDX-License-Identifier: BSD-2-Clause */
// Reads a recorded Engine API answer from fixtures/.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <boost/json.hpp>

#include "privileged.h"

namespace flowlens::discovery_docker::testing {

inline std::string fixture_text(const std::string& name) {
  std::ifstream in(::flowlens::testing::source_dir() + "/tests/discovery_docker/fixtures/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline boost::json::value fixture_json(const std::string& name) {
  return boost::json::parse(fixture_text(name));
}

}  // namespace flowlens::discovery_docker::testing
