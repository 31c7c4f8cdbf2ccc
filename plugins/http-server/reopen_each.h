/* SPDX-License-Identifier: BSD-2-Clause */
// A plugin's reopen (SIGHUP) re-reads several files: each is tried even when one before it was
// refused, so a bad key file does not keep a renewed certificate out.
#pragma once

#include <exception>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>

namespace flowlens::http {

struct ReopenStep {
  // Reads one thing again and swaps it in, or throws having kept the old.
  std::function<void()> read;
  // What stays in use when it throws ("the previous API key"), added to its message; empty when
  // the message says so itself.
  std::string kept;
};

// Runs every step; throws one std::runtime_error with each failure's message, joined by "; ".
inline void reopen_each(std::initializer_list<ReopenStep> steps) {
  std::string errors;
  for (const auto& step : steps) {
    try {
      step.read();
    } catch (const std::exception& e) {
      errors += (errors.empty() ? "" : "; ") + std::string(e.what()) +
                (step.kept.empty() ? "" : "; still using " + step.kept);
    }
  }
  if (!errors.empty()) throw std::runtime_error(errors);
}

}  // namespace flowlens::http
