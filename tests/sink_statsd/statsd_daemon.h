/* SPDX-License-Identifier: BSD-2-Clause */
// The Etsy StatsD daemon (npm statsd 0.9.0, installed by scripts/install-deps.sh --test), started
// on loopback with its flushes written to a file by flush_to_file_backend.js.
#pragma once

#include "loopback_socket.h"

#include <boost/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace flowlens::statsd::testing {

inline constexpr const char* kStatsdDir = "/opt/flowlens-test/statsd/node_modules/statsd";

struct StatsdOptions {
  bool tcp = false;
  bool delete_gauges = false;
  int flush_ms = 300;
};

class StatsdDaemon {
 public:
  explicit StatsdDaemon(StatsdOptions options = {}) : options_(options) {
    if (!std::filesystem::exists(std::string(kStatsdDir) + "/stats.js")) {
      throw std::runtime_error(std::string("StatsD is not installed in ") + kStatsdDir +
                               ": run scripts/install-deps.sh --test");
    }
    dir_ = std::filesystem::temp_directory_path() /
           ("flowlens-statsd-" + std::to_string(::getpid()) + "-" + std::to_string(++serial()));
    std::filesystem::create_directories(dir_);
    port_ = free_port(options.tcp ? SOCK_STREAM : SOCK_DGRAM);
    const uint16_t mgmt_port = free_port(SOCK_STREAM);
    boost::json::object server{{"server", options.tcp ? "./servers/tcp" : "./servers/udp"},
                               {"address", "127.0.0.1"},
                               {"port", port_}};
    boost::json::object config{
        {"servers", boost::json::array{server}},
        {"mgmt_address", "127.0.0.1"},
        {"mgmt_port", mgmt_port},
        {"flushInterval", options.flush_ms},
        {"deleteGauges", options.delete_gauges},
        {"backends", boost::json::array{std::string(FLOWLENS_TEST_SOURCE_DIR) +
                                        "/tests/sink_statsd/flush_to_file_backend.js"}},
        {"flushFile", flush_file()},
        {"automaticConfigReload", false}};
    std::ofstream(dir_ / "config.js") << boost::json::serialize(config);

    const std::string script = std::string(kStatsdDir) + "/stats.js";
    const std::string config_path = (dir_ / "config.js").string();
    const std::string log_path = (dir_ / "statsd.log").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<std::string> args = {"node", script, config_path};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawnp(&pid_, "node", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start node: " + std::string(strerror(rc)));
  }

  ~StatsdDaemon() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  StatsdDaemon(const StatsdDaemon&) = delete;
  StatsdDaemon& operator=(const StatsdDaemon&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log() const { return read(dir_ / "statsd.log"); }

  // Every flush so far, oldest first.
  std::vector<boost::json::object> flushes() const {
    std::vector<boost::json::object> out;
    std::istringstream lines(read(flush_file()));
    for (std::string line; std::getline(lines, line);) {
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(line, ec);
      if (!ec && v.is_object()) out.push_back(v.as_object());
    }
    return out;
  }

  // Waits (bounded) for a flush, after the ones seen so far, for which `done` holds.
  std::optional<boost::json::object> wait_for(
      const std::function<bool(const boost::json::object&)>& done,
      std::chrono::milliseconds limit = std::chrono::seconds(15)) const {
    const std::size_t seen = flushes().size();
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (bool last = false; !last;) {
      last = std::chrono::steady_clock::now() >= deadline;  // one look after the deadline too
      const auto all = flushes();
      for (std::size_t i = seen; i < all.size(); ++i) {
        if (done(all[i])) return all[i];
      }
      if (!last) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return std::nullopt;
  }

  // Sends a probe counter until a flush shows it: StatsD is listening and flushing.
  bool ready() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      probe();
      if (wait_for([](const boost::json::object& f) { return counter(f, "probe") > 0; },
                   std::chrono::milliseconds(options_.flush_ms * 3))) {
        return true;
      }
    }
    return false;
  }

  static double gauge(const boost::json::object& flush, const std::string& name) {
    return number(flush, "gauges", name);
  }
  static double counter(const boost::json::object& flush, const std::string& name) {
    return number(flush, "counters", name);
  }
  static bool has_gauge(const boost::json::object& flush, const std::string& name) {
    const auto* g = flush.if_contains("gauges");
    return g && g->is_object() && g->as_object().contains(name);
  }

 private:
  static int& serial() {
    static int n = 0;
    return n;
  }
  static double number(const boost::json::object& flush, const char* kind,
                       const std::string& name) {
    const auto* m = flush.if_contains(kind);
    if (!m || !m->is_object()) return -1;
    const auto* v = m->as_object().if_contains(name);
    return v ? v->to_number<double>() : -1;
  }
  static std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string flush_file() const { return (dir_ / "flushes.jsonl").string(); }

  void probe() const {
    const std::string line = "probe:1|c\n";
    const int fd = ::socket(AF_INET, (options_.tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to.sin_port = htons(port_);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
      [[maybe_unused]] ssize_t n = ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
    }
    ::close(fd);
  }

  StatsdOptions options_;
  std::filesystem::path dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace flowlens::statsd::testing
