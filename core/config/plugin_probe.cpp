// SPDX-License-Identifier: BSD-2-Clause
// Goes through the plugin host, so check-config applies exactly the checks the daemon applies at
// load (RTLD_NOW, ABI major, trusted file, required callbacks), then creates the instance and
// destroys it without ever starting it.
#include "config/plugin_probe.h"

#include <map>

#include "config/plugin_availability.h"
#include "flowlens/plugin.h"

#include "plugin_host/host_services.h"
#include "plugin_host/loader.h"
#include "plugin_host/plugin_error.h"
#include "plugin_host/plugin_instance.h"

namespace flowlens::config {

namespace {

// What a probed instance sees of the daemon: its log lines are kept for the report, what it
// publishes is kept by id (create should not publish, but doing so is not wrong), events are
// dropped.
class ProbeServices : public plugin_host::HostServices {
 public:
  explicit ProbeServices(std::vector<std::string>& log) : log_(log) {}

  void log(const std::string&, plugin_host::LogLevel level, std::string_view message) override {
    static constexpr const char* kNames[] = {"trace", "debug", "info", "warn", "error"};
    log_.push_back(std::string(kNames[static_cast<int>(level)]) + ": " + std::string(message));
  }
  void add_servers(const std::string&, std::vector<model::Server> servers) override {
    for (auto& s : servers) {
      std::string id = s.id;
      published_[id] = std::move(s);
    }
  }
  void remove_servers(const std::string&, std::vector<std::string> ids) override {
    for (const auto& id : ids) published_.erase(id);
  }
  void replace_servers(const std::string& instance, std::vector<model::Server> servers) override {
    published_.clear();
    add_servers(instance, std::move(servers));
  }
  void emit_event(const std::string&, plugin_host::Event) override {}
  model::SnapshotPtr latest_snapshot() override { return nullptr; }

  std::vector<model::Server> published() const {
    std::vector<model::Server> out;
    for (const auto& [id, s] : published_) out.push_back(s);
    return out;
  }

 private:
  std::vector<std::string>& log_;
  std::map<std::string, model::Server> published_;
};

// The host's message is "instance 'x' (plugin p 1.0): create failed: MESSAGE [status]"; the
// caller adds its own instance context, so keep the plugin's MESSAGE and note the status.
void take_plugin_message(const std::string& host_message, ProbeResult& r) {
  constexpr std::string_view kStep = "create failed: ";
  constexpr std::string_view kConfigStatus = " [config error]";
  size_t at = host_message.find(kStep);
  if (at == std::string::npos) {
    r.error = host_message;
    return;
  }
  std::string message = host_message.substr(at + kStep.size());
  if (message.ends_with(kConfigStatus)) {
    message.resize(message.size() - kConfigStatus.size());
    r.config_rejected = true;
  }
  r.error = "create failed: " + message;
  if (r.config_rejected) r.error = message;
}

}  // namespace

ProbeResult probe_plugin(const std::filesystem::path& so_file, const std::string& plugin,
                         const std::string& instance_name, const std::string& config_json) {
  ProbeResult r;
  std::shared_ptr<const plugin_host::LoadedPlugin> loaded;
  try {
    loaded = plugin_host::load_plugin_file(so_file);
  } catch (const std::exception& e) {
    r.error = e.what();
    return r;
  }
  if (loaded->name != plugin) {
    r.error = "the file holds plugin '" + loaded->name + "', not '" + plugin + "'";
    return r;
  }
  r.version = loaded->version;
  r.capabilities = loaded->capabilities;
  ProbeServices services(r.log);
  plugin_host::PluginInstance instance(instance_name, loaded, services);
  try {
    instance.create(config_json);
  } catch (const plugin_host::PluginError& e) {
    take_plugin_message(e.what(), r);
    return r;
  }
  if ((r.capabilities & FLOWLENS_CAP_DISCOVERY) &&
      (r.capabilities & FLOWLENS_CAP_PUBLISHES_CONFIG)) {
    try {
      instance.start();
    } catch (const plugin_host::PluginError& e) {
      r.error = e.what();
      instance.destroy();
      return r;
    }
    // Taken before stop: a stopping discovery withdraws what it published.
    r.servers = services.published();
    instance.stop();
  }
  instance.destroy();
  return r;
}

SectionCheck check_plugin_section(const PluginInstanceConfig& inst,
                                  const std::filesystem::path& plugin_dir) {
  const std::string where = "plugins." + inst.name;
  const std::string plugin = inst.plugin + (inst.enabled ? "" : ", disabled");
  const std::filesystem::path file = plugin_file(plugin_dir, inst.plugin);
  ProbeResult r = probe_plugin(file, inst.plugin, inst.name, inst.config_json);
  SectionCheck out;
  out.capabilities = r.capabilities;
  out.servers = std::move(r.servers);
  for (const auto& line : r.log)
    if (line.starts_with("warn") || line.starts_with("error"))
      out.notes.push_back(inst.pos.to_string() + ": " + where + ": plugin says " + line);
  if (r.error.empty()) return out;
  if (r.config_rejected) {
    // The message starts with the key path of the offending value (the ABI's error form).
    const ConfigNode* at = find_error_path(inst.config_node, r.error);
    const SourcePos& pos = at ? at->pos() : inst.pos;
    out.error = pos.to_string() + ": " + where + ".config (" + plugin + "): " + r.error;
  } else {
    out.error = inst.pos.to_string() + ": " + where + ": plugin '" + plugin + "' (" +
                file.string() + "): " + r.error;
  }
  return out;
}

}  // namespace flowlens::config
