// SPDX-License-Identifier: BSD-2-Clause
#include "plugin_host/loader.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include <boost/dll/shared_library.hpp>

#include "plugin_host/plugin_error.h"
#include "plugin_host/plugin_list.h"
#include "plugin_host/trusted_path.h"

namespace flowlens::plugin_host {
namespace {

// Majors we look for past our own, only to tell the operator what a refused plugin was built
// for; generous because the cost is one dlsym each, paid only on refusal.
constexpr uint32_t kHighestMajorProbed = 32;

// Every library ever loaded, deliberately leaked so that no static destructor unloads one.
struct Registry {
  std::mutex mutex;
  std::vector<boost::dll::shared_library> libraries;
  std::map<std::filesystem::path, std::shared_ptr<const LoadedPlugin>> by_file;
};
Registry& registry() {
  static auto* r = new Registry;
  return *r;
}

std::string abi_string(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

[[noreturn]] void refuse(const std::filesystem::path& file, const std::string& why) {
  throw PluginError("refusing plugin " + file.string() + ": " + why);
}

std::string missing_entry_reason(const boost::dll::shared_library& lib) {
  std::string why = std::string("no entry symbol ") + FLOWLENS_PLUGIN_ENTRY_NAME;
  for (uint32_t major = 0; major <= kHighestMajorProbed; ++major) {
    std::string symbol = FLOWLENS_PLUGIN_ENTRY_PREFIX + std::to_string(major);
    if (major == FLOWLENS_PLUGIN_ABI_MAJOR || !lib.has(symbol)) continue;
    return why + "; it exports " + symbol + ": built for plugin ABI " + std::to_string(major) +
           ".x, but this flowlensd speaks plugin ABI " +
           abi_string(FLOWLENS_PLUGIN_ABI_MAJOR, FLOWLENS_PLUGIN_ABI_MINOR) +
           " and major versions must match";
  }
  return why + " (not a FlowLens plugin, or built without FLOWLENS_PLUGIN / the SDK header)";
}

// dlerror()'s text names the unresolved symbol or the format problem; Boost wraps it in its own
// words and an unrelated errno string, which only confuse the operator.
std::string dlerror_text(const std::string& what) {
  const std::string marker = "dlerror system message: ";
  size_t begin = what.find(marker);
  size_t end = what.rfind(')');
  if (begin == std::string::npos || end == std::string::npos || end < begin) return what;
  begin += marker.size();
  return what.substr(begin, end - begin);
}

void check_descriptor(const std::filesystem::path& file, const flowlens_plugin_descriptor* raw,
                      LoadedPlugin& out) {
  if (raw == nullptr) refuse(file, "entry point returned no descriptor");
  // Only struct_size, abi_major and abi_minor may be read before the major is known to match.
  if (raw->struct_size < offsetof(flowlens_plugin_descriptor, abi_minor) + sizeof(uint32_t)) {
    refuse(file, "descriptor is " + std::to_string(raw->struct_size) +
                     " bytes, too small to hold its ABI version");
  }
  if (raw->abi_major != FLOWLENS_PLUGIN_ABI_MAJOR) {
    refuse(file, "built for plugin ABI " + abi_string(raw->abi_major, raw->abi_minor) +
                     ", but this flowlensd speaks plugin ABI " +
                     abi_string(FLOWLENS_PLUGIN_ABI_MAJOR, FLOWLENS_PLUGIN_ABI_MINOR) +
                     "; major versions must match (rebuild the plugin against this SDK)");
  }
  // Newer minors append: copy what we know, leave what they lack zeroed, ignore their tail.
  std::memcpy(&out.descriptor, raw,
              std::min<size_t>(raw->struct_size, sizeof(flowlens_plugin_descriptor)));
  // A field the plugin's struct_size holds only part of is not there (FLOWLENS_HAS_FIELD): a
  // pointer made of some of its bytes and some zeroes must never be called.
  if (!FLOWLENS_HAS_FIELD(flowlens_plugin_descriptor, raw, self_test))
    out.descriptor.self_test = {};
  if (!FLOWLENS_HAS_FIELD(flowlens_plugin_descriptor, raw, reopen)) out.descriptor.reopen = {};
  out.descriptor.struct_size = sizeof(flowlens_plugin_descriptor);
  const flowlens_plugin_descriptor& d = out.descriptor;

  auto require = [&](bool present, const char* field) {
    if (!present) refuse(file, std::string("missing required descriptor field '") + field + "'");
  };
  require(d.name != nullptr && d.name[0] != '\0', "name");
  require(d.version != nullptr && d.version[0] != '\0', "version");
  require(d.capabilities != 0, "capabilities");
  require(d.create != nullptr, "create");
  require(d.destroy != nullptr, "destroy");
  if ((d.capabilities & FLOWLENS_CAP_SINK) != 0) {
    require(d.on_snapshot != nullptr, "on_snapshot (required with the sink capability)");
  }
  out.name = d.name;
  out.version = d.version;
  out.description = d.description ? d.description : "";
  out.abi_major = d.abi_major;
  out.abi_minor = d.abi_minor;
  out.capabilities = d.capabilities;
}

}  // namespace

std::shared_ptr<const LoadedPlugin> load_plugin_file(const std::filesystem::path& file) {
  check_trusted_plugin_file(file);
  std::filesystem::path real = std::filesystem::canonical(file);

  Registry& reg = registry();
  std::lock_guard lock(reg.mutex);
  if (auto it = reg.by_file.find(real); it != reg.by_file.end()) return it->second;

  boost::dll::shared_library lib;
  try {
    lib.load(real, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    refuse(real, "cannot load: " + dlerror_text(e.what()));
  }
  reg.libraries.push_back(lib);  // from here on it is never unloaded, even if refused below

  if (!lib.has(FLOWLENS_PLUGIN_ENTRY_NAME)) refuse(real, missing_entry_reason(lib));
  auto entry = lib.get<const flowlens_plugin_descriptor*()>(FLOWLENS_PLUGIN_ENTRY_NAME);

  auto plugin = std::make_shared<LoadedPlugin>();
  plugin->file = real;
  check_descriptor(real, entry(), *plugin);
  reg.by_file.emplace(real, plugin);
  return plugin;
}

std::shared_ptr<const LoadedPlugin> load_plugin(const std::filesystem::path& directory,
                                                std::string_view name) {
  // The name comes from config: never let it walk out of the plugin directory.
  bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  }) && name.find("..") == std::string_view::npos;
  if (!plain) throw PluginError("invalid plugin name '" + std::string(name) + "'");

  std::filesystem::path file = directory / (std::string(name) + ".so");
  if (std::filesystem::exists(file)) return load_plugin_file(file);
  for (const PluginInfo& info : list_plugins(directory)) {
    if (info.plugin && info.plugin->name == name) return info.plugin;
  }
  throw PluginError("plugin '" + std::string(name) + "' is not installed: no " + file.string() +
                    " and no plugin of that name in " + directory.string());
}

std::string capabilities_to_string(uint32_t capabilities) {
  std::string out;
  if (capabilities & FLOWLENS_CAP_DISCOVERY) out = "discovery";
  if (capabilities & FLOWLENS_CAP_SINK) out += out.empty() ? "sink" : "+sink";
  return out.empty() ? "none" : out;
}

}  // namespace flowlens::plugin_host
