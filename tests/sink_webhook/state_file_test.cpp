// SPDX-License-Identifier: BSD-2-Clause
// The state file: a round trip, atomic replacement, and a damaged file reported, not crashing.
#include "state_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace flowlens::webhook {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  fs::path dir =
      fs::temp_directory_path() / ("flowlens-webhook-state-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

TEST(StateFile, RoundTripKeepsEveryField) {
  const std::string path = (temp_dir() / "roundtrip.json").string();
  FiringRecord r;
  r.rule = "busy";
  r.server_id = "mc";
  r.server_name = "Minecraft";
  r.labels = {{"game", "minecraft"}};
  r.threshold = 20;
  r.since_wall_ms = 1'700'000'000'123;
  save_state_file(path, {r});
  const auto back = load_state_file(path);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].rule, "busy");
  EXPECT_EQ(back[0].server_id, "mc");
  EXPECT_EQ(back[0].server_name, "Minecraft");
  EXPECT_EQ(back[0].labels, r.labels);
  EXPECT_EQ(back[0].threshold, 20);
  EXPECT_EQ(back[0].since_wall_ms, r.since_wall_ms);
  EXPECT_FALSE(fs::exists(path + ".tmp"));  // renamed into place
  // Saving an empty set empties the file (a resolve is not lost on restart).
  save_state_file(path, {});
  EXPECT_TRUE(load_state_file(path).empty());
}

TEST(StateFile, MissingFileIsAnEmptyState) {
  EXPECT_TRUE(load_state_file((temp_dir() / "absent.json").string()).empty());
}

TEST(StateFile, DamagedFileIsAnErrorNamingThePath) {
  const std::string path = (temp_dir() / "damaged.json").string();
  std::ofstream(path) << "{\"version\": 1, \"firing\": [";
  try {
    load_state_file(path);
    FAIL() << "a damaged file must be reported";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(StateFile, UnwritableDirectoryIsAnErrorNamingTheStep) {
  try {
    save_state_file("/nonexistent-dir-for-flowlens/state.json", {});
    FAIL() << "writing into a missing directory must fail";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace flowlens::webhook
