// SPDX-License-Identifier: BSD-2-Clause
// Every plugin that ships exports exactly one dynamic symbol, the versioned entry point: anything
// else could collide with the daemon's or another plugin's symbols. Checked on the built files.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

std::vector<std::string> defined_dynamic_symbols(const fs::path& file, int& status) {
  std::string cmd = "nm -D --defined-only --format=posix '" + file.string() + "' 2>&1";
  std::vector<std::string> out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    status = -1;
    return out;
  }
  char line[1024];
  while (std::fgets(line, sizeof line, p) != nullptr) {
    std::string s(line);
    out.push_back(s.substr(0, s.find(' ')));  // posix format: "name type value size"
  }
  status = ::pclose(p);
  return out;
}

TEST(PluginExports, EveryShippedPluginExportsOnlyItsEntryPoint) {
  fs::path dir = FLOWLENS_PLUGIN_OUTPUT_DIR;
  std::vector<fs::path> plugins;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".so") plugins.push_back(entry.path());
  }
  if (plugins.empty()) GTEST_SKIP() << "no plugin built in " << dir;
  for (const fs::path& file : plugins) {
    SCOPED_TRACE(file.string());
    int status = 0;
    std::vector<std::string> symbols = defined_dynamic_symbols(file, status);
    ASSERT_EQ(status, 0) << "nm failed";
    EXPECT_EQ(symbols, std::vector<std::string>{"flowlens_plugin_entry_v1"});
  }
}

}  // namespace
