// SPDX-License-Identifier: BSD-2-Clause
#include "flowlens/sdk/secret.hpp"
#include "secret_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace flowlens::sdk {
namespace {

// Every value below is a "secret": no message may contain it.
constexpr const char* kSecret = "s3cret-Value-42";

std::string dir() {
  return ::testing::TempDir();
}

using flowlens::testing::secret_file;

SecretSource source_of(const std::string& json) {
  const boost::json::object object = boost::json::parse(json).as_object();
  return read_secret_source(Config(object), "api_key", false);
}

std::string parse_error(const std::string& json, bool required = false) {
  const boost::json::object object = boost::json::parse(json).as_object();
  try {
    read_secret_source(Config(object), "api_key", required);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

std::string load_error(const SecretSource& source) {
  try {
    load_secret(source);
  } catch (const SecretError& e) {
    return e.what();
  }
  return "";
}

TEST(SdkSecret, EachSourceGivesTheSecretTrimmed) {
  const std::string path = secret_file("key_ok", std::string("  ") + kSecret + "\r\n", 0600);
  EXPECT_EQ(load_secret(source_of(R"({"api_key_file":")" + path + "\"}")), kSecret);
  // Group read is how a daemon running as its own user reads a key root owns (root:flowlens 0640).
  ::chmod(path.c_str(), 0640);
  EXPECT_EQ(load_secret(source_of(R"({"api_key_file":")" + path + "\"}")), kSecret);
  ::setenv("FLOWLENS_TEST_SECRET", kSecret, 1);
  EXPECT_EQ(load_secret(source_of(R"({"api_key_env":"FLOWLENS_TEST_SECRET"})")), kSecret);
  ::unsetenv("FLOWLENS_TEST_SECRET");
  EXPECT_EQ(load_secret(source_of(R"({"api_key":"s3cret-Value-42"})")), kSecret);
  EXPECT_TRUE(source_of("{}").empty());
}

TEST(SdkSecret, ConfigErrorsNameTheKeyNeverTheValue) {
  struct Row {
    const char* proves;
    std::string json;
    bool required;
    std::string message;
  };
  const std::vector<Row> rows = {
      {"a number written unquoted is not echoed", R"({"api_key": 12345678})", false,
       "api_key: expected a string (quote it in YAML; not shown: a secret)"},
      {"an empty value", R"({"api_key": ""})", false, "api_key: must not be empty"},
      {"two sources", std::string(R"({"api_key":")") + kSecret + R"(","api_key_env":"K"})", false,
       "api_key: give only one of api_key, api_key_file, api_key_env"},
      {"a required one missing", "{}", true,
       "api_key: required: api_key, api_key_file (a file holding it) or api_key_env (an "
       "environment variable holding it)"},
      {"a relative file", R"({"api_key_file":"key.txt"})", false,
       "api_key_file: expected an absolute path, got 'key.txt'"},
      {"a variable name that cannot be one", R"({"api_key_env":"$KEY"})", false,
       "api_key_env: expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*), got "
       "'$KEY'"},
  };
  for (const Row& row : rows) {
    const std::string got = parse_error(row.json, row.required);
    EXPECT_EQ(got, row.message) << row.proves;
    EXPECT_EQ(got.find("12345678"), std::string::npos) << row.proves;
    EXPECT_EQ(got.find(kSecret), std::string::npos) << row.proves;
  }
}

TEST(SdkSecret, LoadErrorsNameTheFileOrVariableNeverTheSecret) {
  const std::string line = std::string(kSecret) + "\n";
  const std::string world = secret_file("key_world", line, 0644);
  const std::string group_w = secret_file("key_group_w", line, 0620);
  const std::string empty = secret_file("key_empty", "\n\n", 0600);
  const std::string two = secret_file("key_two", line + "X-Evil: 1\n", 0600);
  const std::string big = secret_file("key_big", std::string(70'000, 'k'), 0600);
  ::unsetenv("FLOWLENS_TEST_NO_SUCH_KEY");
  ::setenv("FLOWLENS_TEST_EMPTY_KEY", "  ", 1);
  struct Row {
    const char* proves;
    SecretSource source;
    std::string message;
  };
  const std::vector<Row> rows = {
      {"a missing file",
       {"api_key", "", "/nonexistent/key", ""},
       "api_key_file: /nonexistent/key: cannot open: No such file or directory"},
      {"a file anyone may read",
       {"api_key", "", world, ""},
       "api_key_file: " + world +
           ": readable by others (mode 0644): chmod o-r it (0600, or 0640 with the daemon's "
           "group)"},
      {"a file the group may replace",
       {"api_key", "", group_w, ""},
       "api_key_file: " + group_w + ": writable by group or others (mode 0620): chmod go-w it"},
      {"a directory",
       {"api_key", "", dir(), ""},
       "api_key_file: " + dir() + ": not a regular file"},
      {"an empty file", {"api_key", "", empty, ""}, "api_key_file: " + empty + ": is empty"},
      {"a second line (a header injection)",
       {"api_key", "", two, ""},
       "api_key_file: " + two + ": contains a line break or control character (one line only)"},
      {"some other, large file",
       {"api_key", "", big, ""},
       "api_key_file: " + big + ": longer than 65536 bytes: not a secret"},
      {"an unset variable",
       {"api_key", "", "", "FLOWLENS_TEST_NO_SUCH_KEY"},
       "api_key_env: environment variable FLOWLENS_TEST_NO_SUCH_KEY is not set"},
      {"a blank variable",
       {"webhooks[0].url", "", "", "FLOWLENS_TEST_EMPTY_KEY"},
       "webhooks[0].url_env: environment variable FLOWLENS_TEST_EMPTY_KEY: is empty"},
      {"an inline value with a line break",
       {"api_key", "ab\r\nX-Evil: 1", "", ""},
       "api_key: contains a line break or control character (one line only)"},
  };
  for (const Row& row : rows) {
    const std::string got = load_error(row.source);
    EXPECT_EQ(got, row.message) << row.proves;
    EXPECT_EQ(got.find(kSecret), std::string::npos) << row.proves;
  }
  ::unsetenv("FLOWLENS_TEST_EMPTY_KEY");
}

TEST(SdkSecret, AFileOwnedBySomeoneElseIsRefused) {
  const std::string path = secret_file("key_other_owner", kSecret, 0600);
  if (::chown(path.c_str(), 65534, 65534) != 0) GTEST_SKIP() << "needs root to chown";
  EXPECT_EQ(load_error({"api_key", "", path, ""}),
            "api_key_file: " + path + ": owned by uid 65534, not root or the daemon's user (uid " +
                std::to_string(::geteuid()) + "): chown it");
}

}  // namespace
}  // namespace flowlens::sdk
