// sink-jsonapi: registration only. The behaviour lives in jsonapi_sink.cpp and the files it uses.
#include "config.h"
#include "host_log.h"
#include "jsonapi_sink.h"

#include <flowlens/plugin.hpp>

namespace flowlens::jsonapi {
namespace {

class JsonApiPlugin {
 public:
  static constexpr const char* kName = "sink-jsonapi";
  static constexpr const char* kVersion = FLOWLENS_JSONAPI_VERSION;
  static constexpr const char* kDescription =
      "serves player estimates over HTTP as JSON (the original FlowLens API)";
  static constexpr uint32_t kCapabilities = FLOWLENS_CAP_SINK;

  JsonApiPlugin(sdk::Host host, const sdk::Config& config)
      : host_(host), sink_(parse_config(config), kVersion, http::host_logger(host)) {
    // A host older than ABI 1.1 has no health_json: /health then shows nulls for the daemon.
    if (host_.has_health_json()) sink_.set_host_health([host] { return host.health_json(); });
  }

  void start() {
    // Serve the host's latest tick at once instead of 503 until the next one arrives.
    if (const sdk::SnapshotPtr latest = host_.latest_snapshot()) sink_.publish(*latest);
    sink_.start();
  }
  void stop() { sink_.stop(); }
  void on_snapshot(const sdk::Snapshot& snapshot) { sink_.publish(snapshot); }

 private:
  sdk::Host host_;
  JsonApiSink sink_;
};

}  // namespace
}  // namespace flowlens::jsonapi

FLOWLENS_PLUGIN(flowlens::jsonapi::JsonApiPlugin)
