/* SPDX-License-Identifier: BSD-2-Clause */
// Errors of the BPF loader: each carries the step that failed and the errno, so the one place that
// handles it can log a single line saying where and why.
#pragma once

#include <cstring>
#include <string>
#include <utility>
#include <variant>

namespace flowlens::bpf {

struct Error {
  std::string step;     // what was being done, e.g. "load", "attach ingress eth0"
  int err = 0;          // positive errno; 0 when the cause is not a system error
  std::string message;  // one line for the operator, without the step or errno text

  // "step: message (errno N: text)"
  std::string what() const {
    std::string s = step + ": " + message;
    if (err != 0) s += " (errno " + std::to_string(err) + ": " + std::strerror(err) + ")";
    return s;
  }
};

// A value or an Error; C++20 has no std::expected.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

using Status = Result<std::monostate>;
inline Status ok_status() {
  return Status(std::monostate{});
}

// An Error from a libbpf return value (-errno) or from errno when `ret` is not negative.
inline Error make_error(std::string step, int ret, std::string message) {
  int e = ret < 0 ? -ret : errno;
  return Error{std::move(step), e, std::move(message)};
}

}  // namespace flowlens::bpf
