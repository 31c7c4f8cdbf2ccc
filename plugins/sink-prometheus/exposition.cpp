// SPDX-License-Identifier: BSD-2-Clause
#include "exposition.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <charconv>
#include <sstream>

namespace flowlens::prometheus_sink {
namespace {

namespace json = boost::json;
using prometheus::Labels;

// The registry's families in registration order, without those that got no sample (a family
// with only HELP and TYPE lines would say a metric exists that has no value).
std::string serialize(const prometheus::Registry& registry) {
  std::vector<prometheus::MetricFamily> families = registry.Collect();
  std::erase_if(families, [](const prometheus::MetricFamily& f) { return f.metric.empty(); });
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

// Registers the families of one rendering, each carrying the node label when one is configured
// (a constant label: every sample of the family gets it).
class Families {
 public:
  Families(prometheus::Registry& registry, const std::string& node) : registry_(registry) {
    if (!node.empty()) constant_.emplace(kNodeLabel, node);
  }

  prometheus::Family<prometheus::Gauge>& gauge(const std::string& name, const std::string& help) {
    return prometheus::BuildGauge().Name(name).Help(help).Labels(constant_).Register(registry_);
  }

  prometheus::Family<prometheus::Counter>& counter(const std::string& name,
                                                   const std::string& help) {
    return prometheus::BuildCounter().Name(name).Help(help).Labels(constant_).Register(registry_);
  }

 private:
  prometheus::Registry& registry_;
  Labels constant_;
};

// The server's capacity from its discovery label, when that is a whole number in range.
std::optional<int64_t> capacity(const sdk::ServerEstimate& s, const std::string& label) {
  const auto it = s.labels.find(label);
  if (it == s.labels.end()) return std::nullopt;
  int64_t value = 0;
  const std::string& text = it->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > kMaxCapacity) {
    return std::nullopt;
  }
  return value;
}

std::optional<double> number(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

std::string text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The plugin instance's name from the config. Not "instance": Prometheus sets that label on every
// target, and would rename ours to exported_instance.
const std::string kInstanceLabel = "plugin_instance";

// The states a plugin instance can be in, so each gets a 0 or 1 sample (the StateSet pattern:
// a transition changes values, not which series exist). Any other state the host reports is
// added as it comes.
constexpr std::string_view kPluginStates[] = {"created", "started", "stopped", "failed"};

// The sinks' delivery counters: health_json field, metric name, help.
struct SinkCounter {
  std::string_view field;
  const char* name;
  const char* help;
};
constexpr SinkCounter kSinkCounters[] = {
    {"snapshots_delivered", "flowlens_sink_snapshots_delivered_total",
     "Snapshots the sink instance has received."},
    {"snapshots_skipped", "flowlens_sink_snapshots_skipped_total",
     "Snapshots replaced by a newer one before the sink instance took them (a slow sink)."},
    {"events_delivered", "flowlens_sink_events_delivered_total",
     "Events the sink instance has received."},
    {"events_dropped", "flowlens_sink_events_dropped_total",
     "Events dropped, oldest first, from the sink instance's full queue."},
    {"failures", "flowlens_sink_failures_total",
     "Callbacks of the sink instance that returned an error."},
};

void render_plugins(Families& f, const json::value* plugins) {
  if (plugins == nullptr || !plugins->is_array()) return;
  auto& info = f.gauge("flowlens_plugin_info",
                       "Plugin instances running in the daemon (value 1), with plugin, version and "
                       "kind.");
  auto& state = f.gauge("flowlens_plugin_state",
                        "1 for the state each plugin instance is in, 0 for the others.");
  std::vector<prometheus::Family<prometheus::Counter>*> counters;
  for (const SinkCounter& c : kSinkCounters) counters.push_back(&f.counter(c.name, c.help));
  for (const json::value& p : plugins->get_array()) {
    if (!p.is_object()) continue;
    const json::object& o = p.get_object();
    const std::string instance = text(o, "instance");
    if (instance.empty()) continue;
    info.Add({{kInstanceLabel, instance},
              {"plugin", text(o, "plugin")},
              {"version", text(o, "version")},
              {"kind", text(o, "kind")}})
        .Set(1);
    const std::string current = text(o, "state");
    bool listed = false;
    for (std::string_view s : kPluginStates) {
      state.Add({{kInstanceLabel, instance}, {"state", std::string(s)}}).Set(s == current ? 1 : 0);
      listed = listed || s == current;
    }
    if (!listed && !current.empty())
      state.Add({{kInstanceLabel, instance}, {"state", current}}).Set(1);
    for (std::size_t i = 0; i < std::size(kSinkCounters); ++i) {
      // Only sinks have these fields; a discovery instance gets no zero it never counted.
      if (const auto v = number(o, kSinkCounters[i].field); v && *v >= 0) {
        counters[i]->Add({{kInstanceLabel, instance}}).Increment(*v);
      }
    }
  }
}

}  // namespace

std::string render_servers(const sdk::Snapshot& snapshot, const SeriesConfig& series) {
  prometheus::Registry r;
  Families f(r, series.node);
  auto& players = f.gauge("flowlens_active_players",
                          "Estimated players on the server. Absent while the server is unknown "
                          "(see flowlens_server_known), never 0 for unknown.");
  auto& bytes = f.gauge("flowlens_total_bytes",
                        "Bytes, both directions, over the server's flows the daemon still holds.");
  auto& ips =
      f.gauge("flowlens_unique_ips", "Distinct client addresses counted as players on the server.");
  auto& known = f.gauge("flowlens_server_known",
                        "1 when the server's player count is estimated, 0 while it is unknown "
                        "(just discovered, BPF not attached, flow map full).");
  auto& info = f.gauge("flowlens_server_info",
                       "Servers the daemon watches (value 1), with their name and the labels the "
                       "config exports.");
  auto& node_players = f.gauge("flowlens_node_active_players",
                               "Estimated players over every known server on this host.");
  auto& node_unknown = f.gauge("flowlens_node_unknown_servers",
                               "Servers whose count is unknown, so not in "
                               "flowlens_node_active_players.");
  auto& node_servers = f.gauge("flowlens_node_servers", "Servers the daemon watches.");
  auto& max_players = f.gauge("flowlens_server_max_players",
                              "The server's player capacity, from its discovery label named by "
                              "capacity_label (default max_players); absent without one.");

  double total = 0;
  double unknown = 0;
  for (const sdk::ServerEstimate& s : snapshot.servers) {
    const Labels id{{"server_id", s.server_id}};
    known.Add(id).Set(s.known ? 1 : 0);
    Labels info_labels{{"server_id", s.server_id}, {"name", s.name.empty() ? s.server_id : s.name}};
    for (const ExportedLabel& l : series.labels) {
      const auto it = s.labels.find(l.key);
      // An empty value is how Prometheus spells "no such label": servers without it still join.
      info_labels[l.name] = it == s.labels.end() ? std::string() : it->second;
    }
    info.Add(info_labels).Set(1);
    if (const auto cap = capacity(s, series.capacity_label)) {
      max_players.Add(id).Set(static_cast<double>(*cap));
    }
    if (!s.known) {
      ++unknown;
      continue;
    }
    players.Add(id).Set(s.active_players);
    ips.Add(id).Set(static_cast<double>(s.unique_ips.size()));
    bytes.Add(id).Set(static_cast<double>(s.total_bytes));
    total += s.active_players;
  }
  node_players.Add({}).Set(total);
  node_unknown.Add({}).Set(unknown);
  node_servers.Add({}).Set(static_cast<double>(snapshot.servers.size()));
  return serialize(r);
}

std::string render_health(const HealthInputs& in) {
  prometheus::Registry r;
  Families f(r, in.node);
  const json::object& h = in.host;
  f.gauge("flowlens_sink_prometheus_build_info", "This sink's version (value 1).")
      .Add({{"version", in.plugin_version}})
      .Set(1);
  if (const std::string version = text(h, "version"); !version.empty()) {
    f.gauge("flowlens_build_info", "flowlensd's version (value 1).")
        .Add({{"version", version}})
        .Set(1);
  }
  if (const auto up = number(h, "uptime_seconds")) {
    f.gauge("flowlens_uptime_seconds", "Seconds since flowlensd started.").Add({}).Set(*up);
  }
  if (const json::value* attached = h.if_contains("bpf_attached");
      attached != nullptr && attached->is_bool()) {
    f.gauge("flowlens_bpf_attached",
            "1 when the kernel program is attached to the interface, else 0 (every server is "
            "then unknown).")
        .Add({{"interface", text(h, "interface")}})
        .Set(attached->get_bool() ? 1 : 0);
  }
  if (const auto flows = number(h, "flows")) {
    f.gauge("flowlens_flows_tracked", "Flows read from the kernel's flow map at the last tick.")
        .Add({})
        .Set(*flows);
  }
  if (const auto capacity = number(h, "map_capacity")) {
    f.gauge("flowlens_flow_map_capacity",
            "Entries the kernel's flow map holds at most (ebpf_map_size).")
        .Add({})
        .Set(*capacity);
  }
  if (const auto flows = number(h, "one_packet_flows")) {
    f.gauge("flowlens_one_packet_flows",
            "New flows seen once in the last tick, not yet admitted to the flow map; near "
            "flowlens_probation_capacity under a spoofed-source flood or a scan.")
        .Add({})
        .Set(*flows);
  }
  if (const auto capacity = number(h, "probation_capacity")) {
    f.gauge("flowlens_probation_capacity", "Slots of the kernel's probation map for new flows.")
        .Add({})
        .Set(*capacity);
  }
  std::optional<double> age = number(h, "last_tick_age_seconds");
  if (!age && !h.contains("last_tick_age_seconds") && in.snapshot_unix_ms) {
    // An older host does not say: the snapshot's own time is the tick's.
    const auto tick =
        std::chrono::system_clock::time_point(std::chrono::milliseconds(*in.snapshot_unix_ms));
    age = std::max(0.0, std::chrono::duration<double>(in.now - tick).count());
  }
  if (age) {
    f.gauge("flowlens_last_tick_age_seconds", "Seconds since the estimator's last tick.")
        .Add({})
        .Set(*age);
  }
  if (const auto duration = number(h, "tick_duration_seconds")) {
    f.gauge("flowlens_tick_duration_seconds", "How long the estimator's last tick took.")
        .Add({})
        .Set(*duration);
  }
  render_plugins(f, h.if_contains("plugins"));
  f.gauge("flowlens_sink_prometheus_connections", "HTTP connections open to this sink.")
      .Add({})
      .Set(static_cast<double>(in.connections.open));
  f.gauge("flowlens_sink_prometheus_max_connections",
          "This sink's connection limit (limits.max_connections).")
      .Add({})
      .Set(static_cast<double>(in.connections.max));
  f.counter("flowlens_sink_prometheus_connections_refused_total",
            "Connections answered 503 because the limit was reached.")
      .Add({})
      .Increment(static_cast<double>(in.connections.refused));
  return serialize(r);
}

}  // namespace flowlens::prometheus_sink
