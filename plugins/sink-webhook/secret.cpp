// SPDX-License-Identifier: BSD-2-Clause
#include "secret.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace flowlens::webhook {

std::string resolve_secret(const SecretSource& source, const std::string& what) {
  // A secret is a line: a file of megabytes is a mistake, not a key.
  constexpr size_t kMaxSecretBytes = 64 * 1024;
  std::string text;
  if (!source.value.empty()) {
    text = source.value;
  } else if (!source.file.empty()) {
    std::ifstream in(source.file, std::ios::binary);
    if (!in) {
      throw std::runtime_error(what + ": cannot read " + source.file + ": " + std::strerror(errno));
    }
    std::ostringstream content;
    content << in.rdbuf();
    text = content.str();
    if (text.size() > kMaxSecretBytes)
      throw std::runtime_error(what + ": " + source.file + " is too large");
  } else if (!source.env.empty()) {
    const char* value = std::getenv(source.env.c_str());
    if (value == nullptr) {
      throw std::runtime_error(what + ": environment variable " + source.env + " is not set");
    }
    text = value;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  if (text.empty()) throw std::runtime_error(what + " is empty");
  return text;
}

}  // namespace flowlens::webhook
