/* SPDX-License-Identifier: BSD-2-Clause */
// flowlens-bench sections register themselves here; main runs them in name order and prints a
// table, or with --json one object merging what every section reported.
#pragma once

#include <boost/json.hpp>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

namespace flowlens::bench {

struct Row {
  std::string what;     // e.g. "bpf ipv4_udp"
  double value = 0;     // the figure
  std::string unit;     // e.g. "ns/pkt"
  std::string against;  // reference it should be read next to, e.g. "1.9x empty"
};

struct Report {
  boost::json::object json;  // merged into the --json output
  std::vector<Row> rows;     // printed as the table
};

struct Options {
  bool quick = false;  // smaller repeat counts, for a smoke run in ctest
};

using SectionFn = std::function<void(const Options&, Report&)>;

// The figure sections report from several rounds: the middle one, so one disturbed round does not
// move it. 0 for no rounds.
inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Registers a section at static-initialisation time; returns true so it can initialise a global.
bool register_section(std::string name, SectionFn fn);

}  // namespace flowlens::bench
