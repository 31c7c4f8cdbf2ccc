// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/libbpf_log.h"

#include <bpf/libbpf.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <string_view>

namespace flowlens::bpf {
namespace {

// Long enough for a verifier line; longer messages are cut, never overflow.
constexpr size_t kLineBytes = 1024;

spdlog::level::level_enum to_spdlog(libbpf_print_level level) {
  switch (level) {
    case LIBBPF_WARN:
      return spdlog::level::warn;
    case LIBBPF_INFO:
      return spdlog::level::info;
    case LIBBPF_DEBUG:
      break;
  }
  return spdlog::level::debug;
}

// Kernel messages libbpf prints as warnings although FlowLens expects them: creating the clsact
// hook where one exists answers EEXIST with this text, and TcAttachment treats that as normal.
constexpr std::string_view kExpectedWarnings[] = {"Exclusivity flag on"};

int print_to_spdlog(libbpf_print_level level, const char* format, va_list args) {
  auto lvl = to_spdlog(level);
  // Formatting the verifier's debug chatter costs time; skip it unless someone will see it.
  if (!spdlog::default_logger_raw()->should_log(lvl)) return 0;
  std::array<char, kLineBytes> line{};
  int n = std::vsnprintf(line.data(), line.size(), format, args);
  if (n < 0) return n;
  std::string_view text(line.data());
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  for (auto expected : kExpectedWarnings)
    if (text.find(expected) != std::string_view::npos) lvl = spdlog::level::debug;
  if (!spdlog::default_logger_raw()->should_log(lvl)) return n;
  // Most of libbpf's own messages already start with its name; say it once.
  constexpr std::string_view kPrefix = "libbpf: ";
  if (text.substr(0, kPrefix.size()) == kPrefix) text.remove_prefix(kPrefix.size());
  spdlog::log(lvl, "libbpf: {}", text);
  return n;
}

}  // namespace

void route_libbpf_log_to_spdlog() {
  static std::once_flag once;
  std::call_once(once, [] { libbpf_set_print(print_to_spdlog); });
}

}  // namespace flowlens::bpf
