// SPDX-License-Identifier: BSD-2-Clause
// Grouping: what arrives within group_wait of the first notice leaves together, once.
#include "grouper.h"

#include <gtest/gtest.h>

namespace flowlens::webhook {
namespace {

Notification note(const char* server) {
  Notification n;
  n.rule = "r";
  n.server_id = server;
  return n;
}

TEST(Grouper, CrossingsWithinGroupWaitLeaveAsOneBatch) {
  Grouper g(std::chrono::milliseconds(10'000));
  EXPECT_FALSE(g.due_at());
  g.add({note("a")}, 1000);
  g.add({note("b"), note("c")}, 5000);
  EXPECT_EQ(g.due_at(), 11'000);
  EXPECT_TRUE(g.take_if_due(10'999).empty());
  EXPECT_EQ(g.take_if_due(11'000).size(), 3u);
  EXPECT_FALSE(g.due_at());
  // The next notice opens a new window from its own time.
  g.add({note("d")}, 20'000);
  EXPECT_EQ(g.due_at(), 30'000);
}

TEST(Grouper, ForceTakesTheBatchEarly) {
  Grouper g(std::chrono::milliseconds(10'000));
  g.add({note("a")}, 0);
  EXPECT_EQ(g.take_if_due(1, /*force=*/true).size(), 1u);
}

}  // namespace
}  // namespace flowlens::webhook
