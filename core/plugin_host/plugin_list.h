// What `flowlensd plugins` shows: every .so in a directory, loaded and checked, with the reason
// for each one refused.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace flowlens::plugin_host {

struct PluginInfo {
  std::filesystem::path file;
  std::string name;
  std::string version;
  std::string description;
  uint32_t abi_major = 0;
  uint32_t abi_minor = 0;
  uint32_t capabilities = 0;
  std::string error;  // non-empty: refused, and why (the other fields are then empty)
};

// Every `*.so` in `directory`, sorted by file name. A missing directory gives an empty list.
// Listing loads each plugin (and keeps it loaded), so it runs each entry point once.
std::vector<PluginInfo> list_plugins(const std::filesystem::path& directory);

// A table for people: name, version, ABI, capabilities, file; refused files with the reason.
std::string format_plugin_list(const std::vector<PluginInfo>& plugins);

}  // namespace flowlens::plugin_host
