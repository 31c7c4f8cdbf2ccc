// SPDX-License-Identifier: BSD-2-Clause
// The Authorization header forms that pass and fail the bearer check.
#include "bearer_auth.h"

#include <gtest/gtest.h>

#include <string>

namespace flowlens::http {
namespace {

struct Case {
  std::string header;
  bool accepted;
};

class BearerTable : public ::testing::TestWithParam<Case> {};

TEST_P(BearerTable, Matches) {
  EXPECT_EQ(bearer_matches(GetParam().header, "s3cret"), GetParam().accepted) << GetParam().header;
}

INSTANTIATE_TEST_SUITE_P(Table, BearerTable,
                         ::testing::Values(Case{"Bearer s3cret", true},
                                           Case{"bearer s3cret", true},  // scheme is case-blind
                                           Case{"BEARER \t s3cret  ", true},
                                           Case{"Bearer S3cret", false},  // the token is not
                                           Case{"Bearer s3cre", false},
                                           Case{"Bearer s3crets", false},
                                           Case{"Bearers3cret", false}, Case{"Basic s3cret", false},
                                           Case{"Bearer", false}, Case{"", false},
                                           Case{"s3cret", false}));

TEST(Bearer, AnEmptyExpectedTokenNeverMatches) {
  EXPECT_FALSE(bearer_matches("Bearer ", ""));
  EXPECT_FALSE(bearer_matches("Bearer x", ""));
}

TEST(Bearer, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abd", "abc"));
  EXPECT_FALSE(constant_time_equal("ab", "abc"));
  EXPECT_FALSE(constant_time_equal("abcd", "abc"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

}  // namespace
}  // namespace flowlens::http
