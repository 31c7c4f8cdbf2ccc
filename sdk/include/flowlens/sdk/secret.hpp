// SPDX-License-Identifier: BSD-2-Clause
// Secrets (API keys, bearer tokens, webhook URLs, shared secrets): the one way a plugin reads
// them. A secret KEY is given as exactly one of
//   KEY       inline in the config (conf.d is often readable by more people than the secret),
//   KEY_file  a file holding it (surrounding blanks and the trailing newline removed),
//   KEY_env   the name of an environment variable holding it (systemd's Environment=,
//             EnvironmentFile=).
// read_secret_source runs in create (check-config) and touches no file or environment;
// load_secret runs in start. No message either writes contains the secret itself: errors name
// the key, the file or the variable, never the value, not even a value of the wrong type.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "flowlens/sdk/config.hpp"

namespace flowlens::sdk {

// Where one secret comes from; at most one of value, file and env is set.
struct SecretSource {
  std::string key;    // its key path in the section, for messages: "api_key", "webhooks[0].url"
  std::string value;  // KEY: the secret itself
  std::string file;   // KEY_file: an absolute path
  std::string env;    // KEY_env: a variable name
  bool empty() const { return value.empty() && file.empty() && env.empty(); }
};

// A secret file or variable that is missing, unsafe or malformed; the message is
// "KEY_file: /etc/flowlens/api.key: readable by others (mode 0644): ...", never the secret.
class SecretError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace secret_detail {

// A key, a token or a URL is a line; a file of megabytes is some other file.
inline constexpr std::size_t kMaxSecretBytes = 64 * 1024;

inline std::string string_value(const Config& config, const std::string& key) {
  const boost::json::value* v = config.object().if_contains(key);
  if (v == nullptr) return {};
  // Config::expected would quote the value: a secret written unquoted (`api_key: 12345`) must
  // not end up in check-config's output.
  if (!v->is_string())
    config.fail(key, "expected a string (quote it in YAML; not shown: a secret)");
  if (v->get_string().empty()) config.fail(key, "must not be empty");
  return std::string(v->get_string());
}

inline bool is_env_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    const bool ok =
        c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Trims surrounding blanks (the newline an editor or `echo` adds) and refuses what cannot be
// one secret: nothing, a second line, a control character that would split an HTTP header.
inline std::string checked(std::string text, const std::string& where) {
  const char* blank = " \t\r\n";
  text.erase(0, text.find_first_not_of(blank));
  const std::size_t last = text.find_last_not_of(blank);
  text.erase(last == std::string::npos ? 0 : last + 1);
  if (text.empty()) throw SecretError(where + ": is empty");
  if (text.size() > kMaxSecretBytes)
    throw SecretError(where + ": longer than " + std::to_string(kMaxSecretBytes) +
                      " bytes: not a secret");
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f)
      throw SecretError(where + ": contains a line break or control character (one line only)");
  return text;
}

inline std::string mode_text(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Like ssh with a private key: a secret file others may read or replace is refused, not used,
// since the secret is then no longer one. Group read stays allowed: `root:flowlens 0640` is how
// a daemon running as its own user reads a key root owns.
inline std::string read_file(const std::string& path, const std::string& where) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw SecretError(where + ": cannot open: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw SecretError(where + ": cannot stat: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) throw SecretError(where + ": not a regular file");
  if (st.st_uid != 0 && st.st_uid != ::geteuid())
    throw SecretError(where + ": owned by uid " + std::to_string(st.st_uid) +
                      ", not root or the daemon's user (uid " + std::to_string(::geteuid()) +
                      "): chown it");
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    throw SecretError(where + ": writable by group or others (mode " + mode_text(st.st_mode) +
                      "): chmod go-w it");
  if ((st.st_mode & S_IROTH) != 0)
    throw SecretError(where + ": readable by others (mode " + mode_text(st.st_mode) +
                      "): chmod o-r it (0600, or 0640 with the daemon's group)");
  std::string text;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw SecretError(where + ": cannot read: " + std::strerror(errno));
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxSecretBytes + 2) break;  // checked() names the size
  }
  return text;
}

}  // namespace secret_detail

// The whole content of a secret file that is not one line (a TLS private key), after the same
// ownership and mode checks as load_secret; throws SecretError "WHERE: why". At most 64 KiB.
inline std::string read_secret_file(const std::string& path, const std::string& where) {
  std::string text = secret_detail::read_file(path, where);
  if (text.size() > secret_detail::kMaxSecretBytes)
    throw SecretError(where + ": longer than " + std::to_string(secret_detail::kMaxSecretBytes) +
                      " bytes: not a key");
  if (text.empty()) throw SecretError(where + ": is empty");
  return text;
}

// Reads KEY, KEY_file and KEY_env from `config`; at most one may be set (`required`: exactly
// one). Throws ConfigError "KEY: ..." naming the key, never quoting a value.
inline SecretSource read_secret_source(const Config& config, std::string_view key, bool required) {
  const std::string k(key);
  SecretSource s;
  s.key = config.path_of(k);
  s.value = secret_detail::string_value(config, k);
  s.file = secret_detail::string_value(config, k + "_file");
  s.env = secret_detail::string_value(config, k + "_env");
  const int given = !s.value.empty() + !s.file.empty() + !s.env.empty();
  if (given > 1) config.fail(k, "give only one of " + k + ", " + k + "_file, " + k + "_env");
  if (required && given == 0)
    config.fail(k, "required: " + k + ", " + k + "_file (a file holding it) or " + k +
                       "_env (an environment variable holding it)");
  if (!s.file.empty() && s.file.front() != '/')
    config.fail(k + "_file", "expected an absolute path, got '" + s.file + "'");
  if (!s.env.empty() && !secret_detail::is_env_name(s.env))
    config.fail(
        k + "_env",
        "expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*), got '" + s.env + "'");
  return s;
}

// The secret's text. Throws SecretError naming the key and the file or variable and the cause.
// An empty source (nothing configured) is an error too: the caller checks empty() first when
// the secret is optional.
inline std::string load_secret(const SecretSource& s) {
  if (!s.value.empty()) return secret_detail::checked(s.value, s.key);
  if (!s.env.empty()) {
    const std::string where = s.key + "_env: environment variable " + s.env;
    const char* value = std::getenv(s.env.c_str());
    if (value == nullptr) throw SecretError(where + " is not set");
    return secret_detail::checked(value, where);
  }
  if (!s.file.empty()) {
    const std::string where = s.key + "_file: " + s.file;
    return secret_detail::checked(secret_detail::read_file(s.file, where), where);
  }
  throw SecretError(s.key + ": not set");
}

}  // namespace flowlens::sdk
