// SPDX-License-Identifier: BSD-2-Clause
// sink-statsd's lines for servers whose ids and labels hold any bytes, in every tag dialect:
// each line is one well-formed StatsD line (NAME[tags]:VALUE|g or |c), and an id can never add a
// name segment, a tag, a metric or a line.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <regex>
#include <string>

#include "fuzz_check.h"
#include "sink-statsd/lines.h"
#include "sink-statsd/sample.h"

namespace {

using namespace flowlens::statsd;

// Per dialect: the prefix "flowlens", then one server segment and the metric (three segments),
// or a node metric (two).
const std::regex& line_syntax(TagDialect dialect) {
  static const std::string name = "flowlens(\\.[A-Za-z0-9_-]+){1,2}";
  static const std::string tag = "[A-Za-z0-9_.-]+";
  static const std::string value = ":[0-9]+\\|[gc]";
  static const std::regex none("^" + name + value + "$");
  static const std::regex dog("^" + name + value + "(\\|#" + tag + ":" + tag + "(," + tag + ":" +
                              tag + ")*)?$");
  static const std::regex influx("^" + name + "(," + tag + "=" + tag + ")*" + value + "$");
  static const std::regex graphite("^" + name + "(;" + tag + "=" + tag + ")*" + value + "$");
  switch (dialect) {
    case TagDialect::kDogStatsd:
      return dog;
    case TagDialect::kInflux:
      return influx;
    case TagDialect::kGraphite:
      return graphite;
    default:
      return none;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  Samples samples;
  const size_t count = in.ConsumeIntegralInRange<size_t>(1, 4);
  for (size_t i = 0; i < count; ++i) {
    ServerSample& s = samples.emplace_back();
    s.id = in.ConsumeRandomLengthString(300);
    s.known = in.ConsumeBool();
    s.active_players = in.ConsumeIntegral<uint32_t>();
    s.unique_ips = in.ConsumeIntegral<uint32_t>();
    s.total_bytes = in.ConsumeIntegral<uint64_t>();
    s.labels[in.ConsumeRandomLengthString(32)] = in.ConsumeRandomLengthString(64);
  }
  for (TagDialect dialect :
       {TagDialect::kNone, TagDialect::kDogStatsd, TagDialect::kInflux, TagDialect::kGraphite}) {
    LineRenderer renderer(LineOptions{"flowlens", dialect, std::nullopt});
    for (int push = 0; push < 2; ++push) {  // the second push also sends the bytes counters
      for (const std::string& line : renderer.render(samples).lines)
        if (!std::regex_match(line, line_syntax(dialect)))
          flowlens::fuzz::fail("not one StatsD line: " + line);
      for (ServerSample& s : samples) s.total_bytes += 1000;
    }
  }
  return 0;
}
