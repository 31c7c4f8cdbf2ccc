// SPDX-License-Identifier: BSD-2-Clause
// The public accuracy suite (../shared/accuracy beside the repository) through `flowlensd replay`,
// with the shipped estimator defaults; fails when any bound of the accuracy goal is missed, and is
// skipped (reported so by ctest) where the suite is not beside the checkout.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>

namespace {

// The bounds the estimator must meet on the public scenarios.
constexpr double kMaxMeanMae = 0.15;
constexpr double kMaxScenarioMae = 0.45;
constexpr double kMaxScenarioAbsBias = 0.15;
constexpr long kMaxFakePlayerSeconds = 50;
constexpr long kMaxMissedPlayerSeconds = 100;
constexpr double kMaxJoinP95Seconds = 15;
constexpr double kMaxLeaveP95Seconds = 30;
constexpr size_t kScenarios = 8;

std::string run_command(const std::string& cmd, int& status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  status = pclose(p);
  return out;
}

TEST(Accuracy, PublicSuiteMeetsEveryBound) {
  const char* src = std::getenv("FLOWLENS_SOURCE_DIR");
  std::filesystem::path suite =
      std::filesystem::path(src ? src : FLOWLENS_TEST_SOURCE_DIR) / ".." / "shared" / "accuracy";
  if (!std::filesystem::exists(suite / "run.sh"))
    GTEST_SKIP() << "public accuracy suite not found at " << suite
                 << " (the shared/ folder beside the repository): not run";
  std::string cmd = "bash '" + (suite / "run.sh").string() + "' --estimator '" +
                    FLOWLENS_REPLAY_COMMAND + "' 2>&1";
  int status = -1;
  std::string out = run_command(cmd, status);
  std::cout << out;
  ASSERT_EQ(status, 0) << "run.sh failed";

  // scenario  MAE  bias  fake  missed  join  leave
  std::regex row(R"(^(s\S+)\s+([0-9.]+)\s+([+-]?[0-9.]+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s*$)");
  std::regex summary(
      R"(accuracy: mean MAE ([0-9.]+), mean bias [+-]?[0-9.]+, fake player-seconds (\d+), )"
      R"(missed player-seconds (\d+), join p95 (\S+) s, leave p95 (\S+) s)");
  size_t rows = 0;
  bool have_summary = false;
  std::istringstream is(out);
  for (std::string line; std::getline(is, line);) {
    std::smatch m;
    if (std::regex_match(line, m, row)) {
      ++rows;
      EXPECT_LE(std::stod(m[2]), kMaxScenarioMae) << "scenario MAE: " << line;
      EXPECT_LE(std::abs(std::stod(m[3])), kMaxScenarioAbsBias) << "scenario bias: " << line;
    } else if (std::regex_search(line, m, summary)) {
      have_summary = true;
      EXPECT_LE(std::stod(m[1]), kMaxMeanMae) << line;
      EXPECT_LE(std::stol(m[2]), kMaxFakePlayerSeconds) << line;
      EXPECT_LE(std::stol(m[3]), kMaxMissedPlayerSeconds) << line;
      EXPECT_LE(std::stod(m[4]), kMaxJoinP95Seconds) << line;
      EXPECT_LE(std::stod(m[5]), kMaxLeaveP95Seconds) << line;
    }
  }
  EXPECT_EQ(rows, kScenarios) << "expected one table row per public scenario";
  EXPECT_TRUE(have_summary) << "no summary line in the suite's output";
}

}  // namespace
