// SPDX-License-Identifier: BSD-2-Clause
// Addresses and endpoints print as operators write them; every reason has a stable token.
#include <gtest/gtest.h>

#include "estimator/decision.h"
#include "flow_history.h"

namespace flowlens::testing {
namespace {

TEST(Decision, AddressesPrintAsOperatorsWriteThem) {
  const std::pair<const char*, const char*> cases[] = {
      {"0.0.0.0", "0.0.0.0"},
      {"10.0.0.1", "10.0.0.1"},
      {"255.255.255.255", "255.255.255.255"},
      {"100.20.3.199", "100.20.3.199"},
      {"2001:db8::7", "2001:db8::7"},
  };
  for (const auto& [in, want] : cases) {
    auto k = make_key(in, 27005, 27015);
    EXPECT_EQ(estimator::address_text(k.client_addr), want) << in;
  }
  EXPECT_EQ(estimator::endpoint_text(make_key("10.0.0.1", 27005, 27015)), "10.0.0.1:27005");
  EXPECT_EQ(estimator::endpoint_text(make_key("2001:db8::7", 5, 27015)), "[2001:db8::7]:5");
}

TEST(Decision, EveryReasonHasATokenAndASentence) {
  for (int r = 0; r <= static_cast<int>(estimator::Reason::kMoved); ++r) {
    estimator::FlowDecision d;
    d.key = make_key("10.0.0.1", 27005, 27015);
    d.reason = static_cast<estimator::Reason>(r);
    EXPECT_NE(estimator::reason_name(d.reason), "unknown") << r;
    std::string line = estimator::describe(d);
    EXPECT_NE(line.find(d.counted() ? " counted: " : " not counted: "), std::string::npos) << line;
    EXPECT_NE(line.find(std::string(estimator::reason_name(d.reason))), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace flowlens::testing
