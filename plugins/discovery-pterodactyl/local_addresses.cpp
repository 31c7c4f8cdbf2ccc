// SPDX-License-Identifier: BSD-2-Clause
#include "local_addresses.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>

#include <cstring>
#include <memory>

namespace flowlens::discovery_pterodactyl {

namespace {

std::string text_of(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (sa->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  } else if (sa->sa_family == AF_INET6) {
    const in6_addr& a = reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
      inet_ntop(AF_INET, &a.s6_addr[12], buf, sizeof buf);
    } else {
      inet_ntop(AF_INET6, &a, buf, sizeof buf);
    }
  }
  return buf;
}

}  // namespace

namespace {

// One asynchronous lookup. glibc's lookup thread uses it until the lookup ends, which may be
// after resolve_host gave up: it is shared with the completion callback, which drops its share.
struct Lookup {
  std::string name;
  addrinfo hints{};
  gaicb request{};
  ~Lookup() {
    if (request.ar_result) freeaddrinfo(request.ar_result);
  }
};

void lookup_done(sigval value) {
  delete static_cast<std::shared_ptr<Lookup>*>(value.sival_ptr);
}

}  // namespace

std::vector<std::string> resolve_host(const std::string& host, const std::atomic<bool>& stop) {
  // How often a pending lookup checks `stop`.
  constexpr auto kStopCheck = std::chrono::milliseconds(100);
  auto lookup = std::make_shared<Lookup>();
  lookup->name = host;
  lookup->hints.ai_family = AF_UNSPEC;
  lookup->hints.ai_socktype = SOCK_STREAM;
  lookup->request.ar_name = lookup->name.c_str();
  lookup->request.ar_request = &lookup->hints;
  gaicb* list[] = {&lookup->request};
  sigevent done{};
  done.sigev_notify = SIGEV_THREAD;
  done.sigev_notify_function = &lookup_done;
  auto* callback_share = new std::shared_ptr<Lookup>(lookup);
  done.sigev_value.sival_ptr = callback_share;
  if (getaddrinfo_a(GAI_NOWAIT, list, 1, &done) != 0) {
    delete callback_share;
    return {};
  }
  const auto deadline = std::chrono::steady_clock::now() + kResolveTimeout;
  while (gai_error(&lookup->request) == EAI_INPROGRESS) {
    if (stop.load() || std::chrono::steady_clock::now() >= deadline) {
      // A lookup removed before it ran is never notified: its share is dropped here. One
      // already running ends on its own and its callback frees it.
      if (gai_cancel(&lookup->request) == EAI_CANCELED) delete callback_share;
      return {};
    }
    const timespec tick{0, std::chrono::nanoseconds(kStopCheck).count()};
    gai_suspend(list, 1, &tick);
  }
  if (gai_error(&lookup->request) != 0) return {};
  std::vector<std::string> out;
  for (const addrinfo* ai = lookup->request.ar_result; ai != nullptr; ai = ai->ai_next) {
    std::string text = text_of(ai->ai_addr);
    if (!text.empty()) out.push_back(std::move(text));
  }
  return out;
}

std::set<std::string> local_addresses() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return {};
  std::unique_ptr<ifaddrs, decltype(&freeifaddrs)> hold(list, &freeifaddrs);
  std::set<std::string> out;
  for (const ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    std::string text = text_of(i->ifa_addr);
    if (!text.empty()) out.insert(std::move(text));
  }
  return out;
}

}  // namespace flowlens::discovery_pterodactyl
