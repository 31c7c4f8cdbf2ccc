// SPDX-License-Identifier: BSD-2-Clause
// The `estimator:` section applied through the estimator's key table, with file:line:col errors.
#include <gtest/gtest.h>

#include "config/estimator_section.h"
#include "config/loaders.h"
#include "test_files.h"

namespace flowlens::config {
namespace {

using testing::TempDir;

TEST(EstimatorSection, EmptySectionIsTheEstimatorsDefaults) {
  TempDir dir;
  dir.write("10.yaml", "estimator: {}\n");
  estimator::EstimatorConfig e = estimator_config_from(load_conf_dir(dir.path()));
  EXPECT_EQ(e.client_silence_seconds, estimator::kDefaultClientSilenceSeconds);
  EXPECT_EQ(e.qualify_window_seconds, estimator::kDefaultQualifyWindowSeconds);
}

TEST(EstimatorSection, KeysFromSeveralFilesApply) {
  TempDir dir;
  dir.write("10.yaml", "estimator:\n  client_silence_seconds: 8\n  qualify_window_seconds: 5\n");
  dir.write("20.yaml", "estimator:\n  qualify_window_seconds: 10\n");
  estimator::EstimatorConfig e = estimator_config_from(load_conf_dir(dir.path()));
  EXPECT_EQ(e.client_silence_seconds, 8.0);
  EXPECT_EQ(e.qualify_window_seconds, 10u);
}

TEST(EstimatorSection, ErrorsNameFileLineColumn) {
  TempDir dir;
  std::string file = dir.write("10.yaml",
                               "estimator:\n"
                               "  client_silence: 8\n"
                               "  min_active_share: lots\n"
                               "  qualify_window_seconds: 2.5\n");
  Config cfg = load_conf_dir(dir.path());
  try {
    estimator_config_from(cfg);
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(file + ":2:3: estimator.client_silence: unknown estimator option"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find(file + ":3:21: estimator.min_active_share: expected a number, got 'lots'"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find(file + ":4:27: estimator.qualify_window_seconds:"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace flowlens::config
