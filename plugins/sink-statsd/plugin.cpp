// SPDX-License-Identifier: BSD-2-Clause
// sink-statsd: registration only. The behaviour lives in statsd_sink.cpp and the files it uses.
#include "config.h"
#include "sdk_convert.h"
#include "statsd_sink.h"

#include <flowlens/plugin.hpp>

namespace flowlens::statsd {
namespace {

class StatsdPlugin {
 public:
  static constexpr const char* kName = "sink-statsd";
  static constexpr const char* kVersion = FLOWLENS_STATSD_VERSION;
  static constexpr const char* kDescription =
      "pushes player estimates to StatsD (UDP or TCP) every metrics interval";
  static constexpr uint32_t kCapabilities = FLOWLENS_CAP_SINK;

  StatsdPlugin(sdk::Host host, const sdk::Config& config)
      : sink_(parse_config(config), host_logger(host), host) {}

  void start() { sink_.start(); }
  void stop() { sink_.stop(); }
  // A failed push is logged by the sink (once, not per interval) and the next one tries again;
  // returning an error here would only add a line per interval to the daemon's log.
  void on_snapshot(const sdk::Snapshot& snapshot) { sink_.push(from_sdk(snapshot)); }

 private:
  StatsdSink sink_;
};

}  // namespace
}  // namespace flowlens::statsd

FLOWLENS_PLUGIN(flowlens::statsd::StatsdPlugin)
