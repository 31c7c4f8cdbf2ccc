/* SPDX-License-Identifier: BSD-2-Clause */
// The optional TLS side of the server: a certificate chain and its private key read from PEM
// files into an OpenSSL context (TLS 1.2 and newer). When either file changes (certbot renews,
// an operator copies a new pair in) the next connection after it builds a new context and swaps
// it in: connections already open keep the one they started with, the listening socket is
// never closed, and a new pair that does not load is logged once and the old one kept.
#pragma once

#include "message.h"
#include "options.h"

#include <boost/asio/ssl/context.hpp>

#include <sys/stat.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace flowlens::http {

// Reads both files into a new server context. Throws std::runtime_error naming the key and
// file: "tls.key_file: /etc/flowlens/api.key: does not match the certificate in tls.cert_file".
std::shared_ptr<boost::asio::ssl::context> load_tls_context(const TlsFiles& files);

// How often, at most, the files are looked at for a change (two stat calls).
inline constexpr std::chrono::milliseconds kTlsFileCheckInterval{1000};

// What identifies a version of a file: a rename-over or an edit changes one of these.
struct FileStamp {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  timespec mtime{};
  bool operator==(const FileStamp& o) const {
    return dev == o.dev && ino == o.ino && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
           mtime.tv_nsec == o.mtime.tv_nsec;
  }
};

// The context new connections use. Thread-safe.
class TlsContexts {
 public:
  // Loads the files now; throws as load_tls_context.
  TlsContexts(TlsFiles files, std::string name, LogFn log);
  // The context for a connection just accepted, re-read first if a file changed.
  std::shared_ptr<boost::asio::ssl::context> for_new_connection();

 private:
  std::pair<FileStamp, FileStamp> stamps() const;

  const TlsFiles files_;
  const std::string name_;
  const LogFn log_;
  std::mutex mutex_;
  std::shared_ptr<boost::asio::ssl::context> current_;
  std::pair<FileStamp, FileStamp> seen_;  // the files as last tried (loaded or refused)
  std::chrono::steady_clock::time_point checked_;
};

}  // namespace flowlens::http
