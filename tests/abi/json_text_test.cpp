// SPDX-License-Identifier: BSD-2-Clause
#include <flowlens/sdk/json_text.hpp>
#include <gtest/gtest.h>

namespace {

struct Case {
  const char* what;
  boost::json::value in;
  const char* out;
};

TEST(JsonText, DoublesArePlainDecimals) {
  const Case cases[] = {
      {"a duration keeps its milliseconds", 48.03, "48.03"},
      {"a whole double has no point", 99.0, "99"},
      {"more than three decimals round", 0.12345, "0.123"},
      {"negative zero is zero", -0.0001, "0"},
      {"large values are not in exponent form", 1.5e9, "1500000000"},
      {"integers stay integers", 42, "42"},
      {"strings are escaped as JSON", "a\"b", "\"a\\\"b\""},
      {"null, booleans", boost::json::array{nullptr, true}, "[null,true]"},
      {"nested objects keep their order",
       boost::json::object{{"b", 1.25}, {"a", boost::json::object{{"x", 2.0}}}},
       "{\"b\":1.25,\"a\":{\"x\":2}}"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(flowlens::sdk::to_json_text(c.in), c.out) << c.what;
  }
}

TEST(JsonText, ParsesBackToTheSameValues) {
  boost::json::value v = boost::json::object{{"uptime_seconds", 4.803}, {"flows", 12}};
  boost::json::value back = boost::json::parse(flowlens::sdk::to_json_text(v));
  EXPECT_DOUBLE_EQ(back.at("uptime_seconds").to_number<double>(), 4.803);
  EXPECT_EQ(back.at("flows").to_number<int64_t>(), 12);
}

}  // namespace
