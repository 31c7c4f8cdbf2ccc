// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>

namespace flowlens::daemon {

namespace {

// ISO 8601, milliseconds, and the zone as an offset (%z: +01:00), so lines from hosts in several
// zones, or from before and after a DST change, sort and compare without guessing.
constexpr const char* kTimestampedPattern = "%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v";

// syslog(3) priorities, as journald reads them from a `<N>` prefix.
char syslog_priority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return '2';
    case spdlog::level::err:
      return '3';
    case spdlog::level::warn:
      return '4';
    case spdlog::level::info:
      return '6';
    default:
      return '7';  // debug, trace
  }
}

// `<N>text`: journald takes the priority from the prefix and adds the time itself. Every line of
// a multi-line message gets the prefix, or journald would file the rest at info.
class JournalFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const char prefix[] = {'<', syslog_priority(msg.level), '>'};
    dest.append(prefix, prefix + sizeof prefix);
    for (char c : msg.payload) {
      dest.push_back(c);
      if (c == '\n') dest.append(prefix, prefix + sizeof prefix);
    }
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JournalFormatter>();
  }
};

[[noreturn]] void log_uncaught_and_abort() {
  try {
    std::string what = "std::terminate called without an exception";
    if (auto e = std::current_exception()) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        what = std::string("uncaught exception: ") + x.what();
      } catch (...) {
        what = "uncaught exception of a type that is not std::exception";
      }
    }
    log_fatal(what);
  } catch (...) {
    std::fputs("flowlensd: uncaught exception\n", stderr);
  }
  std::abort();
}

}  // namespace

LogForm detect_log_form() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return LogForm::kTimestamped;
  unsigned long long dev = 0, ino = 0;
  char tail = 0;
  if (std::sscanf(stream, "%llu:%llu%c", &dev, &ino, &tail) != 2) return LogForm::kTimestamped;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return LogForm::kTimestamped;
  return st.st_dev == dev && st.st_ino == ino ? LogForm::kJournal : LogForm::kTimestamped;
}

std::unique_ptr<spdlog::formatter> make_log_formatter(LogForm form) {
  if (form == LogForm::kJournal) return std::make_unique<JournalFormatter>();
  return std::make_unique<spdlog::pattern_formatter>(kTimestampedPattern);
}

void init_logging() {
  auto logger = spdlog::get("flowlens");
  if (!logger) logger = spdlog::stderr_color_mt("flowlens");
  logger->set_formatter(make_log_formatter(detect_log_form()));
  logger->set_level(spdlog::level::info);
  spdlog::set_default_logger(logger);
  std::set_terminate(log_uncaught_and_abort);
}

void setup_logging(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  // from_str maps unknown names to "off": refuse them instead of silencing the daemon.
  if (parsed == spdlog::level::off && level != "off")
    throw std::invalid_argument(
        "log level '" + level +
        "': expected one of trace, debug, info, warn, error, critical, off");
  if (!spdlog::get("flowlens")) init_logging();
  spdlog::set_level(parsed);
}

void log_fatal(const std::string& message) {
  auto logger = spdlog::default_logger();
  if (logger->should_log(spdlog::level::err)) {
    logger->error("{}", message);
  } else {
    // The same sinks, hence the same format, without the level that hides the error.
    spdlog::logger fatal(logger->name(), logger->sinks().begin(), logger->sinks().end());
    fatal.error("{}", message);
  }
  logger->flush();
}

}  // namespace flowlens::daemon
