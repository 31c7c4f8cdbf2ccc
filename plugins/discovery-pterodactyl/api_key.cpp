// SPDX-License-Identifier: BSD-2-Clause
#include "api_key.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace flowlens::discovery_pterodactyl {

namespace {

// Panel keys are 48 characters; a "key" this long is some other file.
constexpr size_t kMaxKeyLength = 4096;

std::string checked(std::string key, const std::string& source) {
  const char* space = " \t\r\n";
  key.erase(0, key.find_first_not_of(space));
  key.erase(key.find_last_not_of(space) + 1);
  if (key.empty()) throw std::runtime_error(source + " is empty");
  if (key.size() > kMaxKeyLength)
    throw std::runtime_error(source + " is longer than " + std::to_string(kMaxKeyLength) +
                             " characters: not an API key");
  // It goes into a header line: a control character or a space would split or forge headers.
  for (unsigned char c : key)
    if (c <= 0x20 || c == 0x7f)
      throw std::runtime_error(source + " contains a space or control character");
  return key;
}

}  // namespace

std::string load_api_key(const KeySource& source, const KeyNames& names) {
  if (!source.inline_key.empty()) return checked(source.inline_key, names.inline_key);
  if (!source.env.empty()) {
    const char* value = std::getenv(source.env.c_str());
    const std::string where = std::string(names.env) + ": environment variable " + source.env;
    if (value == nullptr) throw std::runtime_error(where + " is not set");
    return checked(value, where);
  }
  std::ifstream in(source.file);
  const std::string where = std::string(names.file) + " " + source.file;
  if (!in) throw std::runtime_error(where + ": cannot read: " + std::strerror(errno));
  std::string line;
  std::getline(in, line);
  return checked(line, where);
}

}  // namespace flowlens::discovery_pterodactyl
