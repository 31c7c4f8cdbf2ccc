/* SPDX-License-Identifier: BSD-2-Clause */
// Temporary conf.d directories for the config tests: each test writes the files it needs.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace flowlens::config::testing {

// A fresh directory under the test's temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "flowlens-config-" + std::string(info->test_suite_name()) + "-" +
                       info->name() + "-" + std::to_string(::getpid());
    std::replace(name.begin(), name.end(), '/', '_');  // parameterised tests are "Table/Name/3"
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `text` to DIR/name and returns the full path (what error messages will show).
  std::string write(std::string_view name, std::string_view text) const {
    auto p = path_ / name;
    std::ofstream(p) << text;
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

inline std::string source_dir() {
  return FLOWLENS_TEST_SOURCE_DIR;
}
inline std::string plugin_build_dir() {
  return std::string(FLOWLENS_TEST_BINARY_DIR) + "/plugins";
}

}  // namespace flowlens::config::testing
