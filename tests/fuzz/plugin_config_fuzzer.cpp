// SPDX-License-Identifier: BSD-2-Clause
// Each shipped plugin's config section as its create() reads it: JSON text (what the core hands
// over) -> sdk::Config -> the plugin's own settings parser. The input is "PLUGIN\n{json}". Either
// settings or an sdk::ConfigError "PATH: message" (what check-config pins to a file line); never
// a crash or another exception.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>
#include <flowlens/plugin.h>
#include <flowlens/sdk/config.hpp>
#include <flowlens/sdk/host.hpp>

#include "discovery-docker/settings.h"
#include "discovery-pterodactyl/settings.h"
#include "discovery-static/server_list.h"
#include "fuzz_check.h"
#include "sink-jsonapi/config.h"
#include "sink-prometheus/config.h"
#include "sink-statsd/config.h"
#include "sink-webhook/config.h"

namespace {

using namespace flowlens;

// The host as check-config gives it: a name and the core's discovery interval, nothing else.
sdk::Host host() {
  static flowlens_host_api api = [] {
    flowlens_host_api a{};
    a.struct_size = sizeof a;
    a.instance_name = "fuzz";
    a.log = [](flowlens_host_context*, int32_t, const char*) {};
    a.discovery_interval_ms = 30000;
    return a;
  }();
  return sdk::Host(&api);
}

void parse(std::string_view plugin, const sdk::Config& c) {
  if (plugin == "discovery-static") (void)discovery_static::parse_server_list(c);
  if (plugin == "discovery-docker") (void)discovery_docker::parse_settings(host(), c, {});
  if (plugin == "discovery-pterodactyl") (void)discovery_pterodactyl::parse_settings(c);
  if (plugin == "sink-jsonapi") (void)jsonapi::parse_config(c);
  if (plugin == "sink-prometheus") (void)prometheus_sink::parse_config(c);
  if (plugin == "sink-statsd") (void)statsd::parse_config(c);
  if (plugin == "sink-webhook") (void)webhook::parse_config(c);
}

// "interval", "webhook.listen", "servers[2].endpoints[0]": keys as the plugins spell theirs.
bool is_schema_path(std::string_view path) {
  if (path.empty() || !std::islower(static_cast<unsigned char>(path.front()))) return false;
  return std::all_of(path.begin(), path.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '[' ||
           c == ']';
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  boost::system::error_code ec;
  const boost::json::value section = boost::json::parse(input.substr(nl + 1), ec);
  if (ec || !section.is_object()) return 0;  // refused by the SDK before any plugin code
  try {
    parse(input.substr(0, nl), sdk::Config(section.get_object()));
  } catch (const sdk::ConfigError& e) {
    // PATH starts at one of the section's keys, as written (a key may itself hold '.' or ": "),
    // or names a key of the plugin's own (a required one that is missing), or is "(section)";
    // check-config maps it to the file and line.
    const std::string_view m = e.what();
    if (is_schema_path(m.substr(0, m.find(": ")))) return 0;
    std::vector<std::string> places{"(section)"};
    // An empty key is a place too: its PATH is empty, so the message starts with ": ".
    for (const auto& kv : section.get_object())
      places.emplace_back(kv.key().empty() ? ":" : kv.key());
    fuzz::require_place(e.what(), places);
  }
  return 0;
}
