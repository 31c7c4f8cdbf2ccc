// SPDX-License-Identifier: BSD-2-Clause
#include "config.h"

#include "label_name.h"
#include "server_config.h"

#include <boost/json/parse.hpp>

#include <set>

namespace flowlens::prometheus_sink {
namespace {

// The labels flowlens_server_info always has; an exported one may not take their names.
constexpr std::string_view kFixedInfoLabels[] = {"server_id", "name"};

std::vector<ExportedLabel> read_labels(const sdk::Config& c, const std::string& node) {
  const std::vector<std::string> keys = c.get_string_list("labels", {});
  if (keys.size() > kMaxExportedLabels) {
    c.fail("labels", "at most " + std::to_string(kMaxExportedLabels) + " labels, got " +
                         std::to_string(keys.size()));
  }
  std::vector<ExportedLabel> out;
  std::set<std::string> taken(std::begin(kFixedInfoLabels), std::end(kFixedInfoLabels));
  if (!node.empty()) taken.insert(std::string(kNodeLabel));
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string where = "labels[" + std::to_string(i) + "]";
    if (keys[i].empty()) c.fail(where, "a label key may not be empty");
    ExportedLabel label{keys[i], sanitize_label_name(keys[i])};
    if (!taken.insert(label.name).second) {
      c.fail(where,
             "'" + keys[i] + "' becomes the metric label '" + label.name +
                 "', which is already taken (server_id, name, node when set, or an earlier label)");
    }
    out.push_back(std::move(label));
  }
  return out;
}

}  // namespace

Config parse_config(std::string_view json_text) {
  boost::system::error_code error;
  const boost::json::value root =
      boost::json::parse(json_text.empty() ? std::string_view("{}") : json_text, error);
  if (error) throw sdk::ConfigError("(section): not valid JSON: " + error.message());
  if (!root.is_object()) {
    throw sdk::ConfigError("(section): " + sdk::Config::expected("a map", root));
  }
  return parse_config(sdk::Config(root.get_object()));
}

Config parse_config(const sdk::Config& c) {
  c.allow_only({"listen", "threads", "limits", "tls", "bearer_token", "bearer_token_file",
                "bearer_token_env", "node", "labels", "capacity_label"});
  Config config;
  config.server = http::read_server_options(c, "sink-prometheus", kDefaultListen);
  config.bearer_token_source = sdk::read_secret_source(c, "bearer_token", false);
  config.bearer_token = config.bearer_token_source.value;  // a file or a variable: in start
  config.series.node = c.get_string("node", "");
  if (c.has("node") && (config.series.node.empty() || config.series.node.size() > kMaxNodeLength)) {
    c.fail("node", "must be 1 to " + std::to_string(kMaxNodeLength) +
                       " characters (leave the key out for no node label)");
  }
  config.series.labels = read_labels(c, config.series.node);
  config.series.capacity_label = c.get_string("capacity_label", config.series.capacity_label);
  if (config.series.capacity_label.empty()) c.fail("capacity_label", "must not be empty");
  return config;
}

}  // namespace flowlens::prometheus_sink
