/* SPDX-License-Identifier: BSD-2-Clause */
// A small, bounded HTTP/1.1 server for plugins: its own io_context and threads, one acceptor per
// listen address (IPv4, IPv6, ":PORT" for both), every input bounded by Limits, and the whole
// application one Handler. Linked as a static library into each plugin that serves HTTP.
#pragma once

#include "connection_stats.h"
#include "message.h"
#include "options.h"
#include "session.h"
#include "tls_context.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <flowlens/sdk/host.hpp>
#include <flowlens/sdk/thread.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace flowlens::http {

class Server {
 public:
  // `host`: the plugin instance the server belongs to, told when a worker thread ends by an
  // exception (sdk::Thread). `log` may be empty (no logging); `error` formats the server's own
  // error responses.
  Server(sdk::Host host, ServerOptions options, Handler handler, LogFn log,
         ErrorResponder error = plain_text_error);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every listen address, then starts the threads. Throws std::runtime_error naming the
  // address and the cause when one cannot be bound; nothing keeps running in that case.
  void start();
  // Closes the acceptors and every connection, then joins the threads. Idempotent.
  void stop();
  // Re-reads the files it read at start (the TLS certificate and key) for new connections;
  // nothing to do without TLS or before start. Throws, still serving the previous pair, as
  // TlsContexts::reload. From the thread that starts and stops the server.
  void reopen();

  // The addresses actually bound (port 0 in the config becomes the port the kernel chose).
  std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const { return bound_; }
  std::size_t active_connections() const { return shared_->active.load(); }
  ConnectionStats connection_stats() const;

 private:
  class Listener;

  sdk::Host host_;
  ServerOptions options_;
  LogFn log_;
  std::shared_ptr<SessionShared> shared_;
  std::unique_ptr<boost::asio::io_context> ioc_;
  std::shared_ptr<TlsContexts> tls_;  // set by start when options_.tls is
  std::vector<std::shared_ptr<Listener>> listeners_;
  std::vector<boost::asio::ip::tcp::endpoint> bound_;
  std::vector<sdk::Thread> threads_;
};

}  // namespace flowlens::http
