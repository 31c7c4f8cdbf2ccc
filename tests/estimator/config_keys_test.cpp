// SPDX-License-Identifier: BSD-2-Clause
// Every estimator threshold is settable by name, and bad names or values are refused clearly.
#include <gtest/gtest.h>

#include "estimator/config_keys.h"

namespace flowlens::estimator {
namespace {

TEST(ConfigKeys, EveryKeyReadsItsDefaultAndCanBeSet) {
  EstimatorConfig defaults;
  for (const auto& k : config_keys()) {
    EstimatorConfig cfg;
    EXPECT_EQ(k.get(cfg), k.get(defaults)) << k.name;
    set_config_value(cfg, k.name, k.name.ends_with("window_seconds") ? 7 : 3);
    EXPECT_EQ(k.get(cfg), k.name.ends_with("window_seconds") ? 7 : 3) << k.name;
    EXPECT_FALSE(k.meaning.empty()) << k.name;
  }
}

TEST(ConfigKeys, OverridesParseKeyEqualsValue) {
  EstimatorConfig cfg;
  apply_config_override(cfg, "client_silence_seconds=7.5");
  EXPECT_EQ(cfg.client_silence_seconds, 7.5);
}

struct BadOverride {
  const char* text;
  const char* message_has;
};

TEST(ConfigKeys, BadOverridesAreRefusedWithTheReason) {
  const BadOverride cases[] = {
      {"no_such_key=1", "unknown estimator option 'no_such_key'"},
      {"client_silence_seconds", "expected KEY=VALUE"},
      {"client_silence_seconds=abc", "not a number"},
      {"client_silence_seconds=-1", "non-negative"},
      {"min_packets_each_way=2.5", "whole number"},
      {"qualify_window_seconds=100", "64 s of activity"},
  };
  for (const auto& c : cases) {
    EstimatorConfig cfg;
    try {
      apply_config_override(cfg, c.text);
      ADD_FAILURE() << c.text << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_has), std::string::npos)
          << c.text << ": " << e.what();
    }
  }
}

}  // namespace
}  // namespace flowlens::estimator
