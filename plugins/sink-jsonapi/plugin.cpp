// SPDX-License-Identifier: BSD-2-Clause
// sink-jsonapi: registration only. The behaviour lives in jsonapi_sink.cpp and the files it uses;
// the SDK glue is http-server's ServingSinkPlugin.
#include "config.h"
#include "jsonapi_sink.h"
#include "serving_sink_plugin.h"

#include <flowlens/plugin.hpp>

namespace flowlens::jsonapi {
namespace {

class JsonApiPlugin : public http::ServingSinkPlugin<JsonApiSink> {
 public:
  static constexpr const char* kName = "sink-jsonapi";
  static constexpr const char* kVersion = FLOWLENS_JSONAPI_VERSION;
  static constexpr const char* kDescription =
      "serves player estimates over HTTP as JSON (the original FlowLens API)";
  static constexpr uint32_t kCapabilities = FLOWLENS_CAP_SINK;

  JsonApiPlugin(sdk::Host host, const sdk::Config& config)
      : ServingSinkPlugin(host, parse_config(config), kVersion) {}
};

}  // namespace
}  // namespace flowlens::jsonapi

FLOWLENS_PLUGIN(flowlens::jsonapi::JsonApiPlugin)
