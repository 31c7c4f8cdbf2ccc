// SPDX-License-Identifier: BSD-2-Clause
// sink-prometheus: registration only. The behaviour lives in prometheus_sink.cpp and
// exposition.cpp; the SDK glue is http-server's ServingSinkPlugin.
#include "config.h"
#include "prometheus_sink.h"
#include "serving_sink_plugin.h"

#include <flowlens/plugin.hpp>

namespace flowlens::prometheus_sink {
namespace {

class PrometheusPlugin : public http::ServingSinkPlugin<PrometheusSink> {
 public:
  static constexpr const char* kName = "sink-prometheus";
  static constexpr const char* kVersion = FLOWLENS_PROMETHEUS_VERSION;
  static constexpr const char* kDescription =
      "serves player estimates and the daemon's health as Prometheus metrics on /metrics";
  static constexpr uint32_t kCapabilities = FLOWLENS_CAP_SINK;

  PrometheusPlugin(sdk::Host host, const sdk::Config& config)
      : ServingSinkPlugin(host, parse_config(config), kVersion) {}
};

}  // namespace
}  // namespace flowlens::prometheus_sink

FLOWLENS_PLUGIN(flowlens::prometheus_sink::PrometheusPlugin)
