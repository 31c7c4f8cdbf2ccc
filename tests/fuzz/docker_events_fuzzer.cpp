// SPDX-License-Identifier: BSD-2-Clause
// The body of GET /events as it arrives: pieces of arbitrary size (the first byte of the input
// sets them) -> the stream's line framing, with its per-line bound -> each line parsed as an
// event. Lines come out whole, without their '\n'; a bad line is a runtime_error the plugin logs
// and skips, never a crash.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "discovery-docker/docker_event.h"
#include "discovery-docker/event_lines.h"
#include "fuzz_check.h"

namespace {
// engine_client's bound on a line, scaled to the fuzzer's inputs so the bound itself is reached.
constexpr size_t kMaxLine = 512;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flowlens::discovery_docker;
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string received;
  std::vector<std::string> lines;
  const auto on_line = [&](std::string_view line) {
    lines.emplace_back(line);
    if (line.empty() || line.find('\n') != line.npos)
      flowlens::fuzz::fail("an empty line, or one with a line end inside");
    try {
      const DockerEvent e = parse_event_line(line);
      if (e.action.find(':') != std::string::npos) flowlens::fuzz::fail("action kept its ':'");
    } catch (const std::runtime_error&) {
    }
  };
  for (size_t at = 0; at < stream.size(); at += piece) {
    received += stream.substr(at, piece);
    received.erase(0, take_event_lines(received, on_line));
    if (received.size() > kMaxLine) return 0;  // the stream is dropped and reopened
  }
  // However the stream was cut, the lines are those of the stream read at once.
  std::vector<std::string> whole;
  take_event_lines(stream, [&](std::string_view line) { whole.emplace_back(line); });
  if (lines != whole) flowlens::fuzz::fail("the pieces' sizes changed the lines");
  return 0;
}
