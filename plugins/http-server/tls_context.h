/* SPDX-License-Identifier: BSD-2-Clause */
// The optional TLS side of the server: a certificate chain and its private key read from PEM
// files into an OpenSSL context (TLS 1.2 and newer). reload() reads them again when the operator
// says they changed (SIGHUP, through the plugin's reopen): new connections then use the new
// pair, connections already open keep the one they started with, and the listening socket is
// never closed. A new pair that does not load is refused as a whole and the old one kept.
#pragma once

#include "message.h"
#include "options.h"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <mutex>
#include <string>

namespace flowlens::http {

// Reads both files into a new server context. Throws std::runtime_error naming the key and
// file: "tls.key_file: /etc/flowlens/api.key: does not match the certificate in tls.cert_file".
std::shared_ptr<boost::asio::ssl::context> load_tls_context(const TlsFiles& files);

// The context new connections use. Thread-safe.
class TlsContexts {
 public:
  // Loads the files now; throws as load_tls_context.
  TlsContexts(TlsFiles files, std::string name, LogFn log);
  // The context for a connection just accepted.
  std::shared_ptr<boost::asio::ssl::context> for_new_connection();
  // Reads both files again and, when they load, swaps the new context in (logged). Otherwise
  // throws as load_tls_context, adding "; still serving the previous certificate", with the
  // previous context still in use: the caller reports it, so it is said once.
  void reload();

 private:
  const TlsFiles files_;
  const std::string name_;
  const LogFn log_;
  std::mutex mutex_;  // guards current_ (the pointer, not the context)
  std::shared_ptr<boost::asio::ssl::context> current_;
};

}  // namespace flowlens::http
