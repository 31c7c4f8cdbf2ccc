// SPDX-License-Identifier: BSD-2-Clause
// Header-only C++ helper over flowlens/plugin.h: a plugin is a plain class plus one macro.
//
//   class MySink {
//    public:
//     static constexpr const char* kName = "sink-example";        // required
//     static constexpr const char* kVersion = "1.0.0";            // required
//     static constexpr const char* kDescription = "...";          // optional
//     static constexpr uint32_t kCapabilities = FLOWLENS_CAP_SINK;  // required
//     MySink(flowlens::sdk::Host host, const flowlens::sdk::Config& config);  // validate only
//     void start();                                             // optional
//     void stop();                                              // optional; join threads
//     void on_snapshot(flowlens::sdk::SnapshotPtr snapshot);    // sinks (or const Snapshot&)
//     void on_event(const flowlens::sdk::Event& event);         // optional
//     bool self_test(std::string& report);  // optional: a test message for `alert-test`
//     void reopen();  // optional: re-read the files read at start (SIGHUP); throw to refuse
//   };
//   FLOWLENS_PLUGIN(MySink)
//
// Every trampoline is noexcept and catches everything: an exception becomes a status plus a
// message in the host's buffer (sdk::Error chooses the status), or, for stop/destroy which cannot
// fail, a log line. Strings handed to the host are either static (descriptor) or copied into its
// buffers, so the helper keeps no returned-string storage.
#pragma once

#include <concepts>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <type_traits>

#include <boost/json.hpp>

#include "flowlens/plugin.h"
#include "flowlens/sdk/config.hpp"
#include "flowlens/sdk/host.hpp"

namespace flowlens::sdk::detail {

inline void write_error(char* buffer, size_t size, const char* message) noexcept {
  if (buffer == nullptr || size == 0) return;
  size_t n = std::strlen(message);
  if (n >= size) n = size - 1;
  std::memcpy(buffer, message, n);
  buffer[n] = '\0';
}

// Runs `fn`, turning any exception into a status and a message.
template <class Fn>
flowlens_status guarded(char* error, size_t error_size, Fn&& fn) noexcept {
  try {
    fn();
    return FLOWLENS_OK;
  } catch (const Error& e) {
    write_error(error, error_size, e.what());
    return e.status() == FLOWLENS_OK ? FLOWLENS_ERR_FAILED : e.status();
  } catch (const std::bad_alloc&) {
    write_error(error, error_size, "out of memory");
    return FLOWLENS_ERR_NO_MEMORY;
  } catch (const std::exception& e) {
    write_error(error, error_size, e.what());
    return FLOWLENS_ERR_FAILED;
  } catch (...) {
    write_error(error, error_size, "unknown exception");
    return FLOWLENS_ERR_FAILED;
  }
}

// Calls that cannot report a status log the failure through the host instead.
template <class Fn>
void guarded_void(const Host& host, const char* what, Fn&& fn) noexcept {
  char error[FLOWLENS_ERROR_BUFFER_MIN] = {};
  if (guarded(error, sizeof error, fn) != FLOWLENS_OK) {
    try {
      host.error(std::string(what) + " failed: " + error);
    } catch (...) {  // string allocation failed: nothing better to do
    }
  }
}

// A member named `m` exists (whatever its signature) but is not callable as expected: used to
// turn a wrong signature into a readable static_assert instead of a silently ignored method.
#define FLOWLENS_SDK_DETECT(m)      \
  template <class P>                \
  concept declares_##m = requires { \
    &P::m;                          \
  };

FLOWLENS_SDK_DETECT(start)
FLOWLENS_SDK_DETECT(stop)
FLOWLENS_SDK_DETECT(on_snapshot)
FLOWLENS_SDK_DETECT(on_event)
FLOWLENS_SDK_DETECT(self_test)
FLOWLENS_SDK_DETECT(reopen)
#undef FLOWLENS_SDK_DETECT

template <class P>
concept has_start = requires(P& p) {
  { p.start() } -> std::same_as<void>;
};
template <class P>
concept has_stop = requires(P& p) {
  { p.stop() } -> std::same_as<void>;
};
template <class P>
concept takes_snapshot_ptr = requires(P& p, SnapshotPtr s) {
  { p.on_snapshot(s) } -> std::same_as<void>;
};
template <class P>
concept takes_snapshot_ref = requires(P& p, const Snapshot& s) {
  { p.on_snapshot(s) } -> std::same_as<void>;
};
template <class P>
concept has_on_snapshot = takes_snapshot_ptr<P> || takes_snapshot_ref<P>;
template <class P>
concept has_on_event = requires(P& p, const Event& e) {
  { p.on_event(e) } -> std::same_as<void>;
};

// Sends a test message; fills `report` (a line per destination) and returns whether every
// destination accepted it.
template <class P>
concept has_self_test = requires(P& p, std::string& report) {
  { p.self_test(report) } -> std::same_as<bool>;
};

// Re-reads the files read at start (ABI 1.4). Throws, having kept what it had, when a new file
// does not load; the exception's message names the key and the file.
template <class P>
concept has_reopen = requires(P& p) {
  { p.reopen() } -> std::same_as<void>;
};

template <class P>
struct Instance {
  Instance(const flowlens_host_api* api, const boost::json::object& config)
      : host(api), plugin(host, Config(config)) {}
  Host host;
  P plugin;
};

template <class P>
Instance<P>* self(flowlens_plugin_instance* instance) {
  return reinterpret_cast<Instance<P>*>(instance);
}

template <class P>
struct Trampolines {
  static flowlens_status create(const flowlens_host_api* host, const char* config_json,
                                flowlens_plugin_instance** out, char* error,
                                size_t error_size) noexcept {
    return guarded(error, error_size, [&] {
      if (host == nullptr || out == nullptr) throw Error(FLOWLENS_ERR_INVALID_ARGUMENT, "null");
      boost::system::error_code ec;
      boost::json::value config = boost::json::parse(config_json ? config_json : "{}", ec);
      if (ec) throw ConfigError("config is not valid JSON: " + ec.message());
      if (!config.is_object()) throw ConfigError("config must be an object");
      auto instance = std::make_unique<Instance<P>>(host, config.get_object());
      *out = reinterpret_cast<flowlens_plugin_instance*>(instance.release());
    });
  }

  static void destroy(flowlens_plugin_instance* instance) noexcept {
    Instance<P>* s = self<P>(instance);
    Host host = s->host;
    guarded_void(host, "destroy", [&] { delete s; });
  }

  static flowlens_status start(flowlens_plugin_instance* instance, char* error,
                               size_t error_size) noexcept {
    return guarded(error, error_size, [&] { self<P>(instance)->plugin.start(); });
  }

  static void stop(flowlens_plugin_instance* instance) noexcept {
    Instance<P>* s = self<P>(instance);
    guarded_void(s->host, "stop", [&] { s->plugin.stop(); });
  }

  static flowlens_status on_snapshot(flowlens_plugin_instance* instance,
                                     const flowlens_snapshot* snapshot, char* error,
                                     size_t error_size) noexcept {
    return guarded(error, error_size, [&] {
      if (snapshot == nullptr) throw Error(FLOWLENS_ERR_INVALID_ARGUMENT, "null snapshot");
      if constexpr (takes_snapshot_ptr<P>) {
        self<P>(instance)->plugin.on_snapshot(
            std::make_shared<const Snapshot>(to_snapshot(*snapshot)));
      } else {
        self<P>(instance)->plugin.on_snapshot(to_snapshot(*snapshot));
      }
    });
  }

  static flowlens_status on_event(flowlens_plugin_instance* instance, const flowlens_event* event,
                                  char* error, size_t error_size) noexcept {
    return guarded(error, error_size, [&] {
      if (event == nullptr) throw Error(FLOWLENS_ERR_INVALID_ARGUMENT, "null event");
      self<P>(instance)->plugin.on_event(to_event(*event));
    });
  }

  static flowlens_status reopen(flowlens_plugin_instance* instance, char* error,
                                size_t error_size) noexcept {
    return guarded(error, error_size, [&] { self<P>(instance)->plugin.reopen(); });
  }

  static flowlens_status self_test(flowlens_plugin_instance* instance, char* report,
                                   size_t report_size) noexcept {
    bool accepted = false;
    std::string text;
    // An exception's message is the report: it says what went wrong.
    const flowlens_status st = guarded(report, report_size, [&] {
      accepted = self<P>(instance)->plugin.self_test(text);
      write_error(report, report_size, text.c_str());
    });
    if (st != FLOWLENS_OK) return st;
    return accepted ? FLOWLENS_OK : FLOWLENS_ERR_FAILED;
  }
};

template <class P>
const flowlens_plugin_descriptor* descriptor() noexcept {
  static_assert(
      requires {
        { P::kName } -> std::convertible_to<const char*>;
      },
      "plugin class needs: static constexpr const char* kName = \"my-plugin\";");
  static_assert(
      requires {
        { P::kVersion } -> std::convertible_to<const char*>;
      },
      "plugin class needs: static constexpr const char* kVersion = \"1.0.0\";");
  static_assert(
      requires {
        { P::kCapabilities } -> std::convertible_to<uint32_t>;
      },
      "plugin class needs: static constexpr uint32_t kCapabilities = FLOWLENS_CAP_...;");
  static_assert(
      std::is_constructible_v<P, Host, const Config&>,
      "plugin class needs a constructor P(flowlens::sdk::Host, const flowlens::sdk::Config&)");
  static_assert(!declares_start<P> || has_start<P>, "start must be: void start()");
  static_assert(!declares_stop<P> || has_stop<P>, "stop must be: void stop()");
  static_assert(!declares_on_snapshot<P> || has_on_snapshot<P>,
                "on_snapshot must be: void on_snapshot(flowlens::sdk::SnapshotPtr) or "
                "void on_snapshot(const flowlens::sdk::Snapshot&)");
  static_assert(!declares_on_event<P> || has_on_event<P>,
                "on_event must be: void on_event(const flowlens::sdk::Event&)");
  static_assert(!declares_self_test<P> || has_self_test<P>,
                "self_test must be: bool self_test(std::string& report)");
  static_assert(!declares_reopen<P> || has_reopen<P>, "reopen must be: void reopen()");
  static_assert(!(P::kCapabilities & FLOWLENS_CAP_SINK) || has_on_snapshot<P>,
                "a plugin with FLOWLENS_CAP_SINK must define on_snapshot");
  static_assert((P::kCapabilities & (FLOWLENS_CAP_SINK | FLOWLENS_CAP_DISCOVERY)) != 0,
                "kCapabilities must include FLOWLENS_CAP_DISCOVERY and/or FLOWLENS_CAP_SINK");

  using T = Trampolines<P>;
  static const flowlens_plugin_descriptor d = [] {
    flowlens_plugin_descriptor x{};
    x.struct_size = sizeof x;
    x.abi_major = FLOWLENS_PLUGIN_ABI_MAJOR;
    x.abi_minor = FLOWLENS_PLUGIN_ABI_MINOR;
    x.name = P::kName;
    x.version = P::kVersion;
    if constexpr (requires {
                    { P::kDescription } -> std::convertible_to<const char*>;
                  }) {
      x.description = P::kDescription;
    } else {
      x.description = "";
    }
    x.capabilities = P::kCapabilities;
    x.create = &T::create;
    x.destroy = &T::destroy;
    if constexpr (has_start<P>) x.start = &T::start;
    if constexpr (has_stop<P>) x.stop = &T::stop;
    if constexpr (has_on_snapshot<P>) x.on_snapshot = &T::on_snapshot;
    if constexpr (has_on_event<P>) x.on_event = &T::on_event;
    if constexpr (has_self_test<P>) x.self_test = &T::self_test;
    if constexpr (has_reopen<P>) x.reopen = &T::reopen;
    return x;
  }();
  return &d;
}

}  // namespace flowlens::sdk::detail

// Defines the plugin's one exported symbol for `Class`. Use once per shared object.
#define FLOWLENS_PLUGIN(Class)                                                               \
  extern "C" FLOWLENS_PLUGIN_EXPORT const flowlens_plugin_descriptor* FLOWLENS_PLUGIN_ENTRY( \
      void) {                                                                                \
    return ::flowlens::sdk::detail::descriptor<Class>();                                     \
  }
