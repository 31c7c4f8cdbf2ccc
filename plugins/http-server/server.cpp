// SPDX-License-Identifier: BSD-2-Clause
#include "server.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <boost/beast/http/write.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <string>
#include <sstream>
#include <stdexcept>

namespace flowlens::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Backoff after a failed accept (EMFILE, ENOBUFS) so the loop does not spin on it.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

// A client that keeps the server at its limit, or fds used up, would otherwise write a line per
// connection: one line when it first happens, then at most one per interval, with the count.
constexpr std::chrono::minutes kRepeatLogInterval{10};

// The fixed bytes sent to a connection over max_connections, rendered once per server.
std::string busy_response(const ErrorResponder& error) {
  Response response =
      error(boost::beast::http::status::service_unavailable, "too many connections");
  response.set(boost::beast::http::field::retry_after, "1");
  response.keep_alive(false);
  response.prepare_payload();
  std::ostringstream out;
  out << response;
  return out.str();
}

}  // namespace

class Server::Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& ioc, tcp::acceptor acceptor, std::shared_ptr<SessionShared> shared,
           std::shared_ptr<TlsContexts> tls, const LogFn& log, const std::string& name)
      : ioc_(ioc),
        acceptor_(std::move(acceptor)),
        retry_(ioc),
        shared_(std::move(shared)),
        tls_(std::move(tls)),
        log_(log),
        name_(name),
        busy_(busy_response(shared_->error)) {}

  void run() { do_accept(); }

  void close() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_.cancel();
  }

 private:
  void do_accept() {
    // Each connection gets its own strand, so sessions are safe with several threads.
    acceptor_.async_accept(asio::make_strand(ioc_), boost::beast::bind_front_handler(
                                                        &Listener::on_accept, shared_from_this()));
  }

  void on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      // EMFILE lasts as long as the fds are used up: one line per interval, not one per retry.
      const uint64_t failed = ++accept_failures_;
      if (due(accept_logged_at_)) {
        log_(LogLevel::kWarn, name_ + ": accept failed: " + ec.message() + " (" +
                                  std::to_string(failed) + " failures since start)");
      }
      retry_.expires_after(kAcceptRetryDelay);
      retry_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
        if (!wait_ec) self->do_accept();
      });
      return;
    }
    if (shared_->active.fetch_add(1, std::memory_order_relaxed) >=
        shared_->limits.max_connections) {
      shared_->active.fetch_sub(1, std::memory_order_relaxed);
      // Counted before the 503 goes out: a client that reads the count after its answer must
      // find itself in it.
      report_refused();
      refuse(std::move(socket));
    } else {
      // A response is written in one go; Nagle would only hold back its last partial segment.
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      if (tls_) {
        std::make_shared<Session<TlsStream>>(std::move(socket), shared_, tls_->for_new_connection())
            ->run();
      } else {
        std::make_shared<Session<PlainStream>>(std::move(socket), shared_)->run();
      }
    }
    do_accept();
  }

  // Over the limit: one non-blocking write of a fixed 503 and close, so a flood of connections
  // costs no session state. If the socket buffer is full the client just sees the close.
  void refuse(tcp::socket socket) {
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(busy_), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  // True when a line stamped in `logged_at` is due: the first time, then once per interval.
  // Several threads may accept (threads > 1): the stamp is claimed atomically.
  static bool due(std::atomic<std::chrono::steady_clock::rep>& logged_at) {
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    auto last = logged_at.load(std::memory_order_relaxed);
    const auto interval =
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(kRepeatLogInterval).count();
    if (last != 0 && now - last < interval) return false;
    return logged_at.compare_exchange_strong(last, now);
  }

  void report_refused() {
    const uint64_t total = shared_->refused.fetch_add(1, std::memory_order_relaxed) + 1;
    if (!due(refused_logged_at_)) return;
    log_(LogLevel::kWarn, name_ + ": connection limit reached (" +
                              std::to_string(shared_->limits.max_connections) +
                              " open, limits.max_connections): new connections are answered 503; " +
                              std::to_string(total) + " refused since start");
  }

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  std::shared_ptr<SessionShared> shared_;
  std::shared_ptr<TlsContexts> tls_;
  const LogFn& log_;
  const std::string& name_;
  const std::string busy_;
  // steady_clock ticks of the last line of each kind; 0 before the first.
  std::atomic<std::chrono::steady_clock::rep> refused_logged_at_{0};
  std::atomic<std::chrono::steady_clock::rep> accept_logged_at_{0};
  std::atomic<uint64_t> accept_failures_{0};
};

Server::Server(sdk::Host host, ServerOptions options, Handler handler, LogFn log,
               ErrorResponder error)
    : host_(host),
      options_(std::move(options)),
      log_(std::move(log)),
      shared_(std::make_shared<SessionShared>()) {
  if (!log_) log_ = [](LogLevel, std::string_view) {};
  shared_->limits = options_.limits;
  shared_->handler = std::move(handler);
  shared_->error = error ? std::move(error) : ErrorResponder(plain_text_error);
  shared_->name = options_.name;
  shared_->log = log_;
  shared_->auth_failures = std::make_unique<AuthFailures>(options_.limits.max_auth_failures,
                                                          options_.limits.auth_failure_window);
}

Server::~Server() {
  stop();
}

void Server::start() {
  if (ioc_) return;
  // The certificate and key first: a bad file fails start naming it, before any port is bound.
  std::shared_ptr<TlsContexts> tls;
  if (options_.tls) tls = std::make_shared<TlsContexts>(*options_.tls, options_.name, log_);
  auto ioc = std::make_unique<asio::io_context>(static_cast<int>(options_.threads));
  std::vector<std::shared_ptr<Listener>> listeners;
  std::vector<tcp::endpoint> bound;
  for (const auto& listen : options_.listen) {
    tcp::acceptor acceptor(*ioc);
    boost::system::error_code ec;
    const auto check = [&](std::string_view step) {
      if (ec) {
        throw std::runtime_error("cannot listen on " + listen.text + ": " + std::string(step) +
                                 ": " + ec.message());
      }
    };
    acceptor.open(listen.endpoint.protocol(), ec);
    check("open");
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    check("SO_REUSEADDR");
    if (listen.endpoint.address().is_v6()) {
      acceptor.set_option(asio::ip::v6_only(!listen.dual_stack), ec);
      check("IPV6_V6ONLY");
    }
    acceptor.bind(listen.endpoint, ec);
    check("bind");
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
    check("listen");
    bound.push_back(acceptor.local_endpoint(ec));
    check("local_endpoint");
    listeners.push_back(
        std::make_shared<Listener>(*ioc, std::move(acceptor), shared_, tls, log_, options_.name));
  }
  for (auto& listener : listeners) listener->run();
  ioc_ = std::move(ioc);
  tls_ = std::move(tls);
  listeners_ = std::move(listeners);
  bound_ = std::move(bound);
  for (unsigned i = 0; i < options_.threads; ++i) {
    threads_.emplace_back(host_, options_.name + " worker", [this] {
      // A throwing handler must not take the daemon down: log it and keep serving. Anything
      // else (not a std::exception) ends this worker, and sdk::Thread reports it.
      for (;;) {
        try {
          ioc_->run();
          return;
        } catch (const std::exception& e) {
          log_(LogLevel::kError, options_.name + ": request handling failed: " + e.what());
        }
      }
    });
  }
  for (const auto& ep : bound_) {
    log_(LogLevel::kInfo, options_.name + ": listening on " + ep.address().to_string() + " port " +
                              std::to_string(ep.port()) + (tls_ ? " (HTTPS)" : ""));
  }
}

ConnectionStats Server::connection_stats() const {
  return {shared_->active.load(std::memory_order_relaxed), shared_->limits.max_connections,
          shared_->refused.load(std::memory_order_relaxed)};
}

void Server::reopen() {
  if (tls_) tls_->reload();
}

void Server::stop() {
  if (!ioc_) return;
  // Stopping the context abandons open connections; destroying it below frees their sessions.
  ioc_->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  // No thread runs the context any more, so closing from here races with nothing.
  for (auto& listener : listeners_) listener->close();
  listeners_.clear();
  ioc_.reset();
  tls_.reset();
  bound_.clear();
}

}  // namespace flowlens::http
