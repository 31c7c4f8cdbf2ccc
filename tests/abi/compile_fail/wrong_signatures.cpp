// SPDX-License-Identifier: BSD-2-Clause
// Must NOT compile: each mistake below has to be reported by the C++ helper's static_asserts in
// words a plugin author understands, not as a template backtrace. Checked by ctest.
#include <flowlens/plugin.hpp>

class WrongSignatures {
 public:
  static constexpr const char* kName = "wrong";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr uint32_t kCapabilities = FLOWLENS_CAP_SINK;
  WrongSignatures(flowlens::sdk::Host, const flowlens::sdk::Config&) {}
  void on_snapshot(int snapshot_id) { (void)snapshot_id; }
  bool stop() { return true; }
  bool reopen() { return true; }
};

FLOWLENS_PLUGIN(WrongSignatures)
