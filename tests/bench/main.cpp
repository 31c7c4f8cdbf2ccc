// flowlens-bench: prints the performance figures the README quotes. Not a pass/fail test.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>

#include "bench_registry.h"

namespace flowlens::bench {

static std::map<std::string, SectionFn>& sections() {
  static std::map<std::string, SectionFn> s;
  return s;
}

// Boost.JSON writes doubles in exponent form (1E2); figures read better, and diff better, as
// plain decimals, so the output is written by hand with three decimals at most.
static void write_json(std::ostream& out, const boost::json::value& v) {
  if (v.is_object()) {
    out << '{';
    bool first = true;
    for (const auto& [k, child] : v.get_object()) {
      out << (first ? "" : ",") << boost::json::serialize(boost::json::value(k)) << ':';
      write_json(out, child);
      first = false;
    }
    out << '}';
  } else if (v.is_array()) {
    out << '[';
    bool first = true;
    for (const auto& child : v.get_array()) {
      out << (first ? "" : ",");
      write_json(out, child);
      first = false;
    }
    out << ']';
  } else if (v.is_double()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", v.get_double());
    std::string text = buf;
    text.erase(text.find_last_not_of('0') + 1);  // 99.000 -> 99.
    if (!text.empty() && text.back() == '.') text.pop_back();
    out << text;
  } else {
    out << boost::json::serialize(v);
  }
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
    write_json(std::cout, report.json);
    std::cout << '\n';
    return 0;
  }
  std::printf("%-36s %14s  %-10s %s\n", "measurement", "value", "unit", "reference");
  for (const auto& r : report.rows)
    std::printf("%-36s %14.2f  %-10s %s\n", r.what.c_str(), r.value, r.unit.c_str(),
                r.against.c_str());
  return 0;
}
