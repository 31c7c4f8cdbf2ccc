// SPDX-License-Identifier: BSD-2-Clause
#include "resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>

namespace flowlens::statsd {
namespace {

std::string address_text(const sockaddr* sa) {
  char host[INET6_ADDRSTRLEN] = {};
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
    // Appended: a literal + temporary string trips GCC 12's false -Wrestrict at -O3.
    std::string text = "[";
    text += host;
    text += "]:";
    text += std::to_string(ntohs(in6->sin6_port));
    return text;
  }
  const auto* in4 = reinterpret_cast<const sockaddr_in*>(sa);
  inet_ntop(AF_INET, &in4->sin_addr, host, sizeof host);
  return std::string(host) + ":" + std::to_string(ntohs(in4->sin_port));
}

}  // namespace

Resolver::Resolver(Address address, int socket_type, std::chrono::milliseconds interval, LogFn log,
                   sdk::Host host)
    : address_(std::move(address)),
      socket_type_(socket_type),
      interval_(interval),
      log_(std::move(log)),
      host_(host) {}

Resolver::~Resolver() {
  stop();
}

std::optional<SocketAddress> Resolver::lookup(bool numeric_only, std::string& error) const {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = socket_type_;
  hints.ai_flags = AI_NUMERICSERV | (numeric_only ? AI_NUMERICHOST : 0);
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address_.port);
  const int rc = getaddrinfo(address_.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    error = gai_strerror(rc);
    return std::nullopt;
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> hold(found, &freeaddrinfo);
  // The system's preferred order (RFC 6724); the first answer is what a client would use.
  SocketAddress out;
  std::memcpy(&out.storage, found->ai_addr, found->ai_addrlen);
  out.length = found->ai_addrlen;
  out.text = address_text(found->ai_addr);
  return out;
}

void Resolver::start() {
  std::string error;
  numeric_ = lookup(true, error);
  if (numeric_) return;
  std::unique_lock lock(mutex_);
  stopping_ = false;
  thread_ = sdk::Thread(host_, "resolver", [this] { run(); });
  wake_.wait_for(lock, kFirstLookupWait, [this] { return looked_up_once_; });
}

void Resolver::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::optional<SocketAddress> Resolver::current() const {
  if (numeric_) return numeric_;
  std::lock_guard lock(mutex_);
  return current_;
}

void Resolver::refresh_soon() {
  if (numeric_) return;
  {
    std::lock_guard lock(mutex_);
    refresh_ = true;
  }
  wake_.notify_all();
}

void Resolver::run() {
  const std::string name = address_.host + ":" + std::to_string(address_.port);
  std::optional<SocketAddress> last;
  std::string last_error;
  for (;;) {
    std::string error;
    std::optional<SocketAddress> found = lookup(false, error);  // without the lock: may be slow
    if (found && (!last || !(*found == *last))) {
      log_(LogLevel::kInfo, "statsd address " + name + " is " + found->text);
    }
    if (!found && error != last_error) {
      // Keep sending to the previous address: a DNS hiccup must not stop the metrics.
      log_(LogLevel::kWarn, "cannot resolve statsd address " + name + ": " + error +
                                (last ? "; still sending to " + last->text : ""));
    }
    last_error = error;
    if (found) last = found;
    const auto looked_up = std::chrono::steady_clock::now();
    std::unique_lock lock(mutex_);
    if (found) current_ = found;
    looked_up_once_ = true;
    refresh_ = false;
    wake_.notify_all();
    // A refresh asked for right after a lookup waits out kMinRefreshGap, so a StatsD that
    // refuses every packet does not turn into a DNS query per push.
    wake_.wait_until(lock, looked_up + interval_, [this] { return stopping_ || refresh_; });
    if (stopping_) return;
    wake_.wait_until(lock, looked_up + kMinRefreshGap, [this] { return stopping_; });
    if (stopping_) return;
  }
}

}  // namespace flowlens::statsd
