// SPDX-License-Identifier: BSD-2-Clause
// flowlens::sdk::Thread: the thread type for a plugin's own threads. An exception that escapes a
// std::thread's function calls std::terminate, which ends the whole daemon; one that escapes an
// sdk::Thread's function ends only that thread and is reported through the host
// (Host::report_failure): logged once with the instance's name, the instance shown as failed in
// the health. The rest of the daemon keeps counting and serving.
//
//   sdk::Thread poller_;                                          // a member, empty until start
//   void start() { poller_ = sdk::Thread(host_, "poll", [this] { run(); }); }
//   void stop() { stopping_ = true; wake(); poller_.join(); }
//
// Like std::jthread, destroying or assigning over a running Thread joins it (never terminates),
// so tell the thread to end before that. The instance's stop must still join it (plugin.h).
#pragma once

#include <exception>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include "flowlens/sdk/host.hpp"

namespace flowlens::sdk {

class Thread {
 public:
  Thread() noexcept = default;

  // Starts `fn` on a new thread. `name` says which of the instance's threads it is ("poll",
  // "http worker") in the report. Throws std::system_error when no thread can be started.
  template <class Fn>
  Thread(Host host, std::string name, Fn&& fn)
      : thread_([host, name = std::move(name), fn = std::forward<Fn>(fn)]() mutable noexcept {
          run_reporting(host, name, fn);
        }) {
    static_assert(std::is_invocable_v<std::decay_t<Fn>&>, "sdk::Thread runs fn()");
  }

  Thread(Thread&& other) noexcept = default;
  Thread& operator=(Thread&& other) noexcept {
    if (this != &other) {
      join();
      thread_ = std::move(other.thread_);
    }
    return *this;
  }
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;
  ~Thread() { join(); }

  bool joinable() const noexcept { return thread_.joinable(); }
  // Waits for the function to return (or to have thrown). Does nothing on an empty Thread.
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  template <class Fn>
  static void run_reporting(const Host& host, const std::string& name, Fn& fn) noexcept {
    try {
      fn();
      return;
    } catch (const std::exception& e) {
      report(host, name, e.what());
    } catch (...) {
      report(host, name, "an exception that is not a std::exception");
    }
  }

  static void report(const Host& host, const std::string& name, const char* what) noexcept {
    try {
      host.report_failure("thread '" + name + "' ended by an uncaught exception: " + what);
    } catch (...) {  // the message could not be allocated: say what can be said without it
      host.report_failure(std::string());
    }
  }

  std::thread thread_;
};

}  // namespace flowlens::sdk
