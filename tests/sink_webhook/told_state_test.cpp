// SPDX-License-Identifier: BSD-2-Clause
// What the state file keeps: what the receivers were told, not what the engine decided, so a
// restart inside group_wait neither loses a firing notice nor a resolve.
#include "told_state.h"

#include <gtest/gtest.h>

namespace flowlens::webhook {
namespace {

FiringRecord firing(const char* rule, const char* server, int64_t since = 1) {
  FiringRecord r;
  r.rule = rule;
  r.server_id = server;
  r.since_wall_ms = since;
  return r;
}

Notification notice(const char* rule, const char* server, AlertState state, bool repeat = false) {
  Notification n;
  n.rule = rule;
  n.server_id = server;
  n.state = state;
  n.repeat = repeat;
  n.since_wall_ms = 1;
  return n;
}

std::vector<std::string> keys(const std::vector<FiringRecord>& records) {
  std::vector<std::string> out;
  for (const FiringRecord& r : records) out.push_back(r.rule + "/" + r.server_id);
  return out;
}

using V = std::vector<std::string>;

TEST(ToldState, NothingPendingIsTheEngineSet) {
  EXPECT_EQ(keys(told_firing({firing("busy", "a"), firing("busy", "b")}, {})),
            (V{"busy/a", "busy/b"}));
}

TEST(ToldState, AFiringNoticeNotYetSentIsNotToldYet) {
  // After a restart it must fire (and be sent) again.
  EXPECT_EQ(keys(told_firing({firing("busy", "a"), firing("busy", "b")},
                             {notice("busy", "b", AlertState::kFiring)})),
            (V{"busy/a"}));
}

TEST(ToldState, AResolveNotYetSentStaysFiringOnDisk) {
  // After a restart the alert is still firing, so its resolve is sent then.
  EXPECT_EQ(keys(told_firing({}, {notice("busy", "a", AlertState::kResolved)})), (V{"busy/a"}));
}

TEST(ToldState, FiredAndResolvedInOneGroupWasNeverTold) {
  EXPECT_TRUE(told_firing({}, {notice("busy", "a", AlertState::kFiring),
                               notice("busy", "a", AlertState::kResolved)})
                  .empty());
}

TEST(ToldState, RepeatsChangeNothing) {
  EXPECT_EQ(keys(told_firing({firing("busy", "a")},
                             {notice("busy", "a", AlertState::kFiring, /*repeat=*/true)})),
            (V{"busy/a"}));
}

TEST(ToldState, SameAlertsComparesRuleServerAndSince) {
  EXPECT_TRUE(same_alerts({firing("busy", "a", 5)}, {firing("busy", "a", 5)}));
  EXPECT_FALSE(same_alerts({firing("busy", "a", 5)}, {firing("busy", "a", 6)}));
  EXPECT_FALSE(same_alerts({firing("busy", "a")}, {}));
}

}  // namespace
}  // namespace flowlens::webhook
