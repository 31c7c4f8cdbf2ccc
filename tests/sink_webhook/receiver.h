/* SPDX-License-Identifier: BSD-2-Clause */
// The recording HTTP receiver (recording_receiver.py) run by a test on loopback.
#pragma once

#include "child_process.h"

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace flowlens::webhook::testing {

class Receiver {
 public:
  explicit Receiver(const std::filesystem::path& dir, const std::string& hmac_key = "")
      : record_(dir / "records.jsonl"), port_file_(dir / "port") {
    std::filesystem::create_directories(dir);
    std::filesystem::remove(record_);
    std::filesystem::remove(port_file_);
    std::vector<std::string> argv = {
        "python3",     FLOWLENS_TEST_SOURCE_DIR "/tests/sink_webhook/recording_receiver.py",
        "--record",    record_.string(),
        "--port-file", port_file_.string()};
    if (!hmac_key.empty()) argv.insert(argv.end(), {"--hmac-key", hmac_key});
    child_ = std::make_unique<ChildProcess>(argv);
    for (int i = 0; i < 200 && !std::filesystem::exists(port_file_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::ifstream(port_file_) >> port_;
  }
  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // Every request received so far, in arrival order.
  std::vector<boost::json::object> records() const {
    std::vector<boost::json::object> out;
    std::ifstream in(record_);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) out.push_back(boost::json::parse(line).as_object());
    }
    return out;
  }
  // The requests whose path starts with `prefix`.
  std::vector<boost::json::object> records(const std::string& prefix) const {
    std::vector<boost::json::object> out;
    for (auto& r : records()) {
      if (std::string(r.at("path").as_string()).rfind(prefix, 0) == 0) out.push_back(std::move(r));
    }
    return out;
  }
  // Waits (bounded) until `prefix` has received `count` requests.
  bool wait_for(const std::string& prefix, size_t count,
                std::chrono::milliseconds timeout = std::chrono::seconds(20)) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (records(prefix).size() >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

 private:
  std::filesystem::path record_;
  std::filesystem::path port_file_;
  std::unique_ptr<ChildProcess> child_;
  int port_ = 0;
};

}  // namespace flowlens::webhook::testing
