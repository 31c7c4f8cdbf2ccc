/* SPDX-License-Identifier: BSD-2-Clause */
// A loopback TCP port that nothing listens on at the moment, for configs in tests: listen
// addresses must name a real port (port 0 is refused as an operator's mistake). Another process
// could take the port between this call and the test's bind; on a test's own loopback, with the
// tests run one at a time, that does not happen in practice.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

namespace flowlens::testing {

// The port is free on both 127.0.0.1 and [::1], for tests that listen on both families.
inline unsigned short free_tcp_port() {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int v4 = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (v4 < 0 || ::bind(v4, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(v4, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      if (v4 >= 0) ::close(v4);
      throw std::runtime_error("free_tcp_port: cannot bind on 127.0.0.1");
    }
    const unsigned short port = ntohs(a.sin_port);
    // The same port must be free on [::1] too, for tests that listen on both families.
    const int v6 = ::socket(AF_INET6, SOCK_STREAM, 0);
    sockaddr_in6 b{};
    b.sin6_family = AF_INET6;
    b.sin6_addr = in6addr_loopback;
    b.sin6_port = htons(port);
    const bool both = v6 >= 0 && ::bind(v6, reinterpret_cast<sockaddr*>(&b), sizeof b) == 0;
    if (v6 >= 0) ::close(v6);
    ::close(v4);
    if (both) return port;
  }
  throw std::runtime_error("free_tcp_port: no port free on both 127.0.0.1 and [::1]");
}

inline std::string free_port_text() {
  return std::to_string(free_tcp_port());
}

}  // namespace flowlens::testing
