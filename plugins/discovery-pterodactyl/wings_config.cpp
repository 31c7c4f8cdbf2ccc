// SPDX-License-Identifier: BSD-2-Clause
#include "wings_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace flowlens::discovery_pterodactyl {

namespace {

// Wings writes a small file; a "config" past this is not one, and is not read to the end.
constexpr size_t kMaxLines = 10'000;

std::string trim(std::string s) {
  const char* space = " \t\r";
  s.erase(0, s.find_first_not_of(space));
  s.erase(s.find_last_not_of(space) + 1);
  return s;
}

}  // namespace

std::optional<std::string> read_wings_uuid(std::istream& in) {
  std::string line;
  for (size_t n = 0; n < kMaxLines && std::getline(in, line); ++n) {
    // Top level only: an indented `uuid:` belongs to some nested section.
    if (line.rfind("uuid:", 0) != 0) continue;
    std::string value = line.substr(5);
    if (const size_t hash = value.find(" #"); hash != std::string::npos) value.erase(hash);
    value = trim(value);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    if (value.empty()) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

std::optional<std::string> read_wings_uuid_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR) return std::nullopt;
    throw std::runtime_error(path + ": cannot read the Wings config: " + std::strerror(err));
  }
  return read_wings_uuid(in);
}

}  // namespace flowlens::discovery_pterodactyl
