// SPDX-License-Identifier: BSD-2-Clause
#include "label_name.h"

namespace flowlens::prometheus_sink {
namespace {

bool is_name_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return alpha || (!first && c >= '0' && c <= '9');
}

}  // namespace

std::string sanitize_label_name(std::string_view key) {
  std::string out;
  out.reserve(key.size() + 1);
  if (key.empty() || (key.front() >= '0' && key.front() <= '9')) out += '_';
  for (char c : key) out += is_name_char(c, out.empty()) ? c : '_';
  if (out.starts_with("__")) out = "label" + out;
  return out;
}

}  // namespace flowlens::prometheus_sink
