// SPDX-License-Identifier: BSD-2-Clause
// Discovery label keys to Prometheus label names: always valid, stable, and readable.
#include "label_name.h"

#include <prometheus/check_names.h>

#include <gtest/gtest.h>

#include <string>

namespace flowlens::prometheus_sink {
namespace {

struct Case {
  std::string key;
  std::string name;
};

class LabelNames : public ::testing::TestWithParam<Case> {};

TEST_P(LabelNames, SanitizedToAValidName) {
  const std::string got = sanitize_label_name(GetParam().key);
  EXPECT_EQ(got, GetParam().name);
  EXPECT_TRUE(prometheus::CheckLabelName(got)) << got;  // what prometheus-cpp would throw on
}

INSTANTIATE_TEST_SUITE_P(
    Table, LabelNames,
    ::testing::Values(Case{"game", "game"}, Case{"Game_2", "Game_2"},
                      Case{"com.example.tier", "com_example_tier"},
                      Case{"pterodactyl-egg", "pterodactyl_egg"}, Case{"a/b:c d", "a_b_c_d"},
                      Case{"2fort", "_2fort"}, Case{"", "_"}, Case{"__name__", "label__name__"},
                      Case{"..x", "label__x"},
                      Case{"\xc3\xa9t\xc3\xa9", "label__t__"}));  // UTF-8 bytes, then reserved

}  // namespace
}  // namespace flowlens::prometheus_sink
