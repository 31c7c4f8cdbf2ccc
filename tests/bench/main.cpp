// SPDX-License-Identifier: BSD-2-Clause
// flowlens-bench: prints the performance figures the README quotes. Not a pass/fail test.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>

#include <flowlens/sdk/json_text.hpp>

#include "bench_registry.h"

namespace flowlens::bench {

static std::map<std::string, SectionFn>& sections() {
  static std::map<std::string, SectionFn> s;
  return s;
}

bool register_section(std::string name, SectionFn fn) {
  sections().emplace(std::move(name), std::move(fn));
  return true;
}

}  // namespace flowlens::bench

int main(int argc, char** argv) {
  using namespace flowlens::bench;
  bool json = false;
  Options opts;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--json")) {
      json = true;
    } else if (!std::strcmp(argv[i], "--quick")) {
      opts.quick = true;
    } else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::cerr << "usage: flowlens-bench [--json] [--quick] [--only SECTION]\n"
                   "Prints BPF per-packet cost, estimator tick time and replay throughput.\n"
                   "Sections:";
      for (auto& [name, fn] : sections()) std::cerr << ' ' << name;
      std::cerr << '\n';
      return std::strcmp(argv[i], "--help") ? 2 : 0;
    }
  }
  Report report;
  for (auto& [name, fn] : sections()) {
    if (!only.empty() && name != only) continue;
    try {
      fn(opts, report);
    } catch (const std::exception& e) {
      std::cerr << "flowlens-bench: section " << name << " failed: " << e.what() << '\n';
      return 1;
    }
  }
  if (json) {
    // Plain decimals (97.5, not 9.75E1): the figures are read by people and diffed.
    std::cout << flowlens::sdk::to_json_text(report.json) << '\n';
    return 0;
  }
  std::printf("%-36s %14s  %-10s %s\n", "measurement", "value", "unit", "reference");
  for (const auto& r : report.rows)
    std::printf("%-36s %14.2f  %-10s %s\n", r.what.c_str(), r.value, r.unit.c_str(),
                r.against.c_str());
  return 0;
}
