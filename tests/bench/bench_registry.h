// flowlens-bench sections register themselves here; main runs them in name order and prints a
// table, or with --json one object merging what every section reported.
#pragma once

#include <boost/json.hpp>

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

// Registers a section at static-initialisation time; returns true so it can initialise a global.
bool register_section(std::string name, SectionFn fn);

}  // namespace flowlens::bench
