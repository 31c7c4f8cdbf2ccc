/* SPDX-License-Identifier: BSD-2-Clause */
// An sdk::Host for tests and benchmarks that drive a plugin's parts without flowlensd: log lines
// go to stderr, and a reported failure (a plugin thread ended by an exception) aborts, since
// no test means to leave one behind.
#pragma once

#include <flowlens/plugin.h>
#include <flowlens/sdk/host.hpp>

#include <cstdio>
#include <cstdlib>

namespace flowlens::testing {

inline sdk::Host test_host() {
  static const flowlens_host_api api = [] {
    flowlens_host_api a{};
    a.struct_size = sizeof a;
    a.abi_major = FLOWLENS_PLUGIN_ABI_MAJOR;
    a.abi_minor = FLOWLENS_PLUGIN_ABI_MINOR;
    a.instance_name = "test";
    a.log = [](flowlens_host_context*, int32_t level, const char* message) {
      std::fprintf(stderr, "[test host, level %d] %s\n", static_cast<int>(level), message);
    };
    a.report_failure = [](flowlens_host_context*, const char* message) {
      std::fprintf(stderr, "[test host] failure reported: %s\n", message);
      std::abort();
    };
    return a;
  }();
  return sdk::Host(&api);
}

}  // namespace flowlens::testing
