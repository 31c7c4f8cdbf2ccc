// SPDX-License-Identifier: BSD-2-Clause
#include "flowlens/sdk/config.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace flowlens::sdk {
namespace {

using namespace std::chrono_literals;

boost::json::object parse(const char* text) {
  return boost::json::parse(text).as_object();
}

// The message a read throws, or "" when it does not throw.
std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.status(), FLOWLENS_ERR_CONFIG);
    return e.what();
  }
  return "";
}

struct ErrorCase {
  const char* proves;
  const char* json;
  std::function<void(const Config&)> read;
  const char* message;  // exactly what check-config shows after the file:line
};

TEST(SdkConfig, EveryErrorStartsWithThePathOfTheValue) {
  const std::vector<ErrorCase> cases = {
      {"a wrong type at the root names the key", R"({"port": "x"})",
       [](const Config& c) { c.get_int("port", 0, 1, 65535); },
       "port: expected an integer from 1 to 65535, got 'x'"},
      {"out of range says the range and the value", R"({"port": 70000})",
       [](const Config& c) { c.get_int("port", 0, 1, 65535); },
       "port: expected an integer from 1 to 65535, got 70000"},
      {"a nested key carries its section's path", R"({"limits": {"max": true}})",
       [](const Config& c) { c.section("limits").get_int("max", 1); },
       "limits.max: expected an integer from -9223372036854775808 to 9223372036854775807, got "
       "'true'"},
      {"a list element is named by its index", R"({"listen": ["a", 5]})",
       [](const Config& c) { c.get_string_list("listen", {}); },
       "listen[1]: expected a string, got '5'"},
      {"maps inside a list are named key[i]", R"({"rules": [{}, {"for": "soon"}]})",
       [](const Config& c) { c.sections("rules")[1].get_duration("for", 1s, 0s, 24h); },
       "rules[1].for: expected a duration from 0s to 24h (a number of seconds or e.g. 500ms, 30s, "
       "5m), got 'soon'"},
      {"an unknown key lists the known ones", R"({"limits": {"maxx": 1}})",
       [](const Config& c) {
         c.section("limits").allow_only({"max", "min"});
       },
       "limits.maxx: unknown key (expected one of: max, min)"},
      {"an enum says what it takes", R"({"auth": "basic"})",
       [](const Config& c) {
         c.get_enum("auth", "bearer", {"bearer", "none"});
       },
       "auth: expected one of bearer, none, got 'basic'"},
      {"a section that is not a map", R"({"limits": [1]})",
       [](const Config& c) { c.section("limits"); }, "limits: expected a map, got a list"},
      {"a required key that is missing", R"({})", [](const Config& c) { c.require_string("url"); },
       "url: missing (required)"},
      {"a label map with a list value names the label", R"({"labels": {"game": [1]}})",
       [](const Config& c) { c.get_string_map("labels"); },
       "labels.game: expected a string (quote it in YAML), got a list"},
      {"a duration below its minimum", R"({"interval": "10ms"})",
       [](const Config& c) { c.get_duration("interval", 1s, 100ms, 24h); },
       "interval: expected a duration from 100ms to 24h (a number of seconds or e.g. 500ms, 30s, "
       "5m), got '10ms'"},
      {"an absurd number of seconds is refused, not overflowed", R"({"interval": 1e300})",
       [](const Config& c) { c.get_duration("interval", 1s, 0s, 24h); },
       "interval: expected a duration from 0s to 24h (a number of seconds or e.g. 500ms, 30s, "
       "5m), got '1e+300'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.proves);
    const auto object = parse(c.json);
    const Config config(object);
    EXPECT_EQ(error_of([&] { c.read(config); }), c.message);
  }
}

TEST(SdkConfig, ReadsValuesAndDefaults) {
  const auto object = parse(R"({
    "name": "eu-1", "on": false, "n": 3.0, "ratio": 0.25, "every": "1m30s", "half": 0.5,
    "listen": "127.0.0.1:9100", "labels": {"game": "rust", "slots": 50, "pvp": true},
    "limits": {"max": 7}, "rules": [{"id": "a"}, {"id": "b"}]})");
  const Config c(object);
  EXPECT_EQ(c.get_string("name", ""), "eu-1");
  EXPECT_EQ(c.get_string("absent", "dflt"), "dflt");
  EXPECT_FALSE(c.get_bool("on", true));
  EXPECT_EQ(c.get_int("n", 0), 3) << "YAML may hand over 3 as 3.0";
  EXPECT_DOUBLE_EQ(c.get_double("ratio", 0, 0, 1), 0.25);
  EXPECT_EQ(c.get_duration("every", 0ms, 0ms, 24h), 90s);
  EXPECT_EQ(c.get_duration("half", 0ms, 0ms, 24h), 500ms) << "a bare number is seconds";
  EXPECT_EQ(c.get_duration("absent", 7s, 0ms, 24h), 7s);
  EXPECT_EQ(c.get_string_list("listen", {}), std::vector<std::string>{"127.0.0.1:9100"});
  const auto labels = c.get_string_map("labels");
  EXPECT_EQ(labels.at("game"), "rust");
  EXPECT_EQ(labels.at("slots"), "50");
  EXPECT_EQ(labels.at("pvp"), "true");
  EXPECT_EQ(c.section("limits").get_int("max", 0), 7);
  EXPECT_EQ(c.section("absent").get_int("max", 9), 9) << "an absent section reads as defaults";
  EXPECT_EQ(c.section("absent").path(), "absent");
  const auto rules = c.sections("rules");
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[1].get_string("id", ""), "b");
  EXPECT_EQ(rules[1].path_of("id"), "rules[1].id");
  EXPECT_EQ(error_of([&] { c.fail_here("whole section wrong"); }),
            "(section): whole section wrong");
}

TEST(SdkDuration, ParsesGoSyntaxAndRefusesTheRest) {
  EXPECT_EQ(parse_duration("1h30m"), std::chrono::nanoseconds(90min));
  EXPECT_EQ(parse_duration("250ms"), std::chrono::nanoseconds(250ms));
  EXPECT_EQ(parse_duration("1.5s"), std::chrono::nanoseconds(1500ms));
  EXPECT_EQ(parse_duration("0"), std::chrono::nanoseconds(0));
  for (const char* bad : {"", "5", "s", "5x", "1..5s", "-1s", "99999999999h"})
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
}

}  // namespace
}  // namespace flowlens::sdk
