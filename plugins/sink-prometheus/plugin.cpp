// sink-prometheus: registration only. The behaviour lives in prometheus_sink.cpp and
// exposition.cpp.
#include "config.h"
#include "host_log.h"
#include "prometheus_sink.h"

#include <flowlens/plugin.hpp>

namespace flowlens::prometheus_sink {
namespace {

class PrometheusPlugin {
 public:
  static constexpr const char* kName = "sink-prometheus";
  static constexpr const char* kVersion = FLOWLENS_PROMETHEUS_VERSION;
  static constexpr const char* kDescription =
      "serves player estimates and the daemon's health as Prometheus metrics on /metrics";
  static constexpr uint32_t kCapabilities = FLOWLENS_CAP_SINK;

  PrometheusPlugin(sdk::Host host, const sdk::Config& config)
      : host_(host), sink_(parse_config(config), kVersion, http::host_logger(host)) {
    // A host older than ABI 1.1 has no health_json: only the servers' series are served.
    if (host_.has_health_json()) sink_.set_host_health([host] { return host.health_json(); });
  }

  void start() {
    // Serve the host's latest tick at once instead of nothing until the next one arrives.
    if (const sdk::SnapshotPtr latest = host_.latest_snapshot()) sink_.publish(*latest);
    sink_.start();
  }
  void stop() { sink_.stop(); }
  void on_snapshot(const sdk::Snapshot& snapshot) { sink_.publish(snapshot); }

 private:
  sdk::Host host_;
  PrometheusSink sink_;
};

}  // namespace
}  // namespace flowlens::prometheus_sink

FLOWLENS_PLUGIN(flowlens::prometheus_sink::PrometheusPlugin)
