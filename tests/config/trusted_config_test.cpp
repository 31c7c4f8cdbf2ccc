// SPDX-License-Identifier: BSD-2-Clause
// Config files another user could write are refused as plugins are: at load (start, reload,
// check-config), naming the file and the fix; the safe ones and /tmp's sticky case still load.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "config/loaders.h"
#include "test_files.h"

namespace flowlens::config {
namespace {

using testing::TempDir;

std::string load_error(const std::function<void()>& load) {
  try {
    load();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

constexpr const char* kYaml = "core: {metrics_interval: 2s}\n";

TEST(TrustedConfig, AFileOthersMayWriteIsRefusedNamingItAndTheFix) {
  TempDir dir;
  const std::string ok = dir.write("10-ok.yaml", kYaml);
  const std::string bad = dir.write("50-local.yaml", kYaml);
  ::chmod(bad.c_str(), 0664);
  const std::filesystem::path real_dir = std::filesystem::canonical(dir.path());
  EXPECT_EQ(load_error([&] { load_conf_dir(dir.path()); }),
            "refusing config file " + (real_dir / "50-local.yaml").string() +
                ": writable by group or others (mode 0664); only root may write it (chmod go-w)");
  EXPECT_EQ(load_error([&] { load_config_file(bad); }),
            "refusing config file " + (real_dir / "50-local.yaml").string() +
                ": writable by group or others (mode 0664); only root may write it (chmod go-w)");
  ::chmod(bad.c_str(), 0644);
  EXPECT_EQ(load_conf_dir(dir.path()).core.metrics_interval.count(), 2000);
  (void)ok;
}

TEST(TrustedConfig, ADirectoryOthersMayWriteIsRefused) {
  TempDir dir;
  dir.write("10-ok.yaml", kYaml);
  ::chmod(dir.path().c_str(), 0775);
  const std::string got = load_error([&] { load_conf_dir(dir.path()); });
  ::chmod(dir.path().c_str(), 0755);
  EXPECT_EQ(got, "refusing config directory " + std::filesystem::canonical(dir.path()).string() +
                     ": writable by group or others (mode 0775); only root may write it (chmod "
                     "go-w)");
}

TEST(TrustedConfig, AFileOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown a fixture";
  TempDir dir;
  const std::string theirs = dir.write("50-theirs.yaml", kYaml);
  ASSERT_EQ(::chown(theirs.c_str(), 65534, 65534), 0);
  const std::string got = load_error([&] { load_conf_dir(dir.path()); });
  EXPECT_NE(got.find("refusing config file "), std::string::npos) << got;
  EXPECT_NE(got.find("50-theirs.yaml: owned by uid 65534, not root"), std::string::npos) << got;
}

TEST(TrustedConfig, AFileInAStickyDirectoryLoads) {
  // /tmp is writable by all but sticky: nobody else can replace our file there.
  struct stat st {};
  ASSERT_EQ(::stat(std::filesystem::temp_directory_path().c_str(), &st), 0);
  if ((st.st_mode & S_ISVTX) == 0) GTEST_SKIP() << "the temp directory is not sticky";
  const auto path = std::filesystem::temp_directory_path() /
                    ("flowlens-trusted-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << kYaml;
  ::chmod(path.c_str(), 0644);
  EXPECT_EQ(load_error([&] { load_config_file(path); }), "");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace flowlens::config
