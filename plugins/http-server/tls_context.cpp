// SPDX-License-Identifier: BSD-2-Clause
#include "tls_context.h"

#include <flowlens/sdk/secret.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/buffer.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace flowlens::http {
namespace {

namespace ssl = boost::asio::ssl;

std::string read_certificate(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("tls.cert_file: " + path + ": cannot open: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::shared_ptr<ssl::context> load_tls_context(const TlsFiles& files) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  // TLS 1.2 is the oldest version without known protocol breaks; every client in use has it.
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::single_dh_use);
  const std::string cert = read_certificate(files.cert_file);
  boost::system::error_code ec;
  ctx->use_certificate_chain(boost::asio::buffer(cert), ec);
  if (ec)
    throw std::runtime_error("tls.cert_file: " + files.cert_file +
                             ": not a PEM certificate: " + ec.message());
  // The key is a secret: the same ownership and mode rules as every secret file.
  const std::string key = sdk::read_secret_file(files.key_file, "tls.key_file: " + files.key_file);
  ctx->use_private_key(boost::asio::buffer(key), ssl::context::pem, ec);
  // OpenSSL compares the key with the certificate as it loads it.
  const bool mismatch =
      ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH;
  if (mismatch || (!ec && SSL_CTX_check_private_key(ctx->native_handle()) != 1))
    throw std::runtime_error("tls.key_file: " + files.key_file +
                             ": does not match the certificate in tls.cert_file " +
                             files.cert_file);
  if (ec)
    throw std::runtime_error("tls.key_file: " + files.key_file +
                             ": not a PEM private key: " + ec.message());
  return ctx;
}

TlsContexts::TlsContexts(TlsFiles files, std::string name, LogFn log)
    : files_(std::move(files)), name_(std::move(name)), log_(std::move(log)) {
  current_ = load_tls_context(files_);
}

std::shared_ptr<ssl::context> TlsContexts::for_new_connection() {
  std::lock_guard lock(mutex_);
  return current_;
}

void TlsContexts::reload() {
  std::shared_ptr<ssl::context> next;
  try {
    next = load_tls_context(files_);  // outside the lock: connections keep being accepted
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()) + "; still serving the previous certificate");
  }
  {
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
  }
  if (log_)
    log_(LogLevel::kInfo, name_ + ": TLS certificate " + files_.cert_file + " and key " +
                              files_.key_file + " re-read: new connections use them");
}

}  // namespace flowlens::http
