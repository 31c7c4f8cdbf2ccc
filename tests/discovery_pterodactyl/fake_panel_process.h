/* SPDX-License-Identifier: BSD-2-Clause */
// fake_panel.py as a child process on a free loopback port, steered over its /_fake/ routes.
// Killed (SIGTERM, then waited for) when the object goes.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

namespace flowlens::discovery_pterodactyl::test {

class FakePanel {
 public:
  // `args` are fake_panel.py's options (--servers 250, --nodes 1,1,2, ...).
  explicit FakePanel(std::vector<std::string> args = {});
  ~FakePanel();
  FakePanel(const FakePanel&) = delete;
  FakePanel& operator=(const FakePanel&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  static std::string key() { return "ptla_" + std::string(43, 'k'); }

  // POST /_fake/mode: the next `count` list answers (every one when count < 0) fail this way.
  void set_mode(const std::string& mode, int count = -1, double delay_seconds = 0);
  // POST /_fake/servers: a new data set of `count` servers.
  void set_servers(int count);
  // GET /_fake/stats: every API request seen so far (path, query, accept, authorization, time).
  boost::json::array requests() const;
  // Requests to one path so far.
  size_t count(const std::string& path) const;

 private:
  std::string call(const std::string& method, const std::string& path,
                   const std::string& body) const;

  int pid_ = -1;
  int port_ = 0;
};

// POSTs `body` with extra header lines to `url`; returns the HTTP status (0: no answer).
long http_post(const std::string& url, const std::vector<std::string>& headers,
               const std::string& body, const std::string& method = "POST");

// The uuid fake_panel.py gives server i.
std::string fake_server_uuid(int i);

}  // namespace flowlens::discovery_pterodactyl::test
