// SPDX-License-Identifier: BSD-2-Clause
// The one log line format: ISO 8601 local time with its zone offset on a terminal or in a file; a
// syslog priority prefix and no time of our own when stderr is the journal stream.
#include "daemon/logging.h"

#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>

namespace flowlens::daemon {
namespace {

std::string format(LogForm form, spdlog::level::level_enum level, std::string_view text) {
  spdlog::details::log_msg msg("flowlens", level, text);
  spdlog::memory_buf_t out;
  make_log_formatter(form)->format(msg, out);
  return std::string(out.data(), out.size());
}

TEST(LogFormat, TimestampedLinesCarryIsoTimeWithZoneOffsetAndLevel) {
  const std::regex line(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d (warning|error|info) a message\n)");
  for (auto level : {spdlog::level::info, spdlog::level::warn, spdlog::level::err}) {
    const std::string text = format(LogForm::kTimestamped, level, "a message");
    EXPECT_TRUE(std::regex_match(text, line)) << text;
  }
}

TEST(LogFormat, JournalLinesAreSyslogPriorityAndTextOnly) {
  struct Case {
    spdlog::level::level_enum level;
    const char* expected;
  };
  for (const auto& c :
       {Case{spdlog::level::trace, "<7>x\n"}, Case{spdlog::level::debug, "<7>x\n"},
        Case{spdlog::level::info, "<6>x\n"}, Case{spdlog::level::warn, "<4>x\n"},
        Case{spdlog::level::err, "<3>x\n"}, Case{spdlog::level::critical, "<2>x\n"}}) {
    EXPECT_EQ(format(LogForm::kJournal, c.level, "x"), c.expected);
  }
}

TEST(LogFormat, EveryLineOfAMultiLineJournalMessageKeepsItsPriority) {
  EXPECT_EQ(format(LogForm::kJournal, spdlog::level::warn, "one\ntwo"), "<4>one\n<4>two\n");
}

// Points stderr at a fresh file for the test's duration and restores it after.
class StderrOnFile {
 public:
  StderrOnFile() {
    saved_ = ::dup(STDERR_FILENO);
    FILE* f = std::tmpfile();
    ::dup2(::fileno(f), STDERR_FILENO);
    std::fclose(f);
    struct stat st {};
    ::fstat(STDERR_FILENO, &st);
    stream_ = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  }
  ~StderrOnFile() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }
  // What systemd would put in JOURNAL_STREAM for this stderr.
  const std::string& journal_stream() const { return stream_; }

 private:
  int saved_ = -1;
  std::string stream_;
};

TEST(LogForm, JournalOnlyWhenJournalStreamNamesStderr) {
  StderrOnFile err;
  ::unsetenv("JOURNAL_STREAM");
  EXPECT_EQ(detect_log_form(), LogForm::kTimestamped);
  ::setenv("JOURNAL_STREAM", err.journal_stream().c_str(), 1);
  EXPECT_EQ(detect_log_form(), LogForm::kJournal);
  // Inherited by a process whose stderr was redirected (a shell in a unit, `2>file`).
  ::setenv("JOURNAL_STREAM", "1:2", 1);
  EXPECT_EQ(detect_log_form(), LogForm::kTimestamped);
  ::setenv("JOURNAL_STREAM", (err.journal_stream() + "x").c_str(), 1);
  EXPECT_EQ(detect_log_form(), LogForm::kTimestamped);
  ::unsetenv("JOURNAL_STREAM");
}

}  // namespace
}  // namespace flowlens::daemon
