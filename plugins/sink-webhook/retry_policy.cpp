// SPDX-License-Identifier: BSD-2-Clause
#include "retry_policy.h"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <ctime>

namespace flowlens::webhook {

std::optional<Millis> parse_retry_after_header(std::string_view value, int64_t now_unix_s) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  double seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size() && seconds >= 0) {
    return Millis(static_cast<int64_t>(std::min(seconds, 1e6) * 1000));
  }
  // HTTP date: "Wed, 21 Oct 2015 07:28:00 GMT".
  std::tm tm{};
  const std::string text(value);
  if (strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) == nullptr) return std::nullopt;
  const int64_t at = timegm(&tm);
  return Millis(std::max<int64_t>(0, at - now_unix_s) * 1000);
}

std::optional<Millis> parse_discord_retry_after(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const boost::json::value* v = doc.get_object().if_contains("retry_after");
  if (v == nullptr || !v->is_number()) return std::nullopt;
  const double seconds = v->to_number<double>(ec);
  if (ec || seconds < 0) return std::nullopt;
  return Millis(static_cast<int64_t>(std::min(seconds, 1e6) * 1000));
}

Decision decide(const AttemptResult& r, int attempt, std::mt19937_64& jitter) {
  if (r.status >= 200 && r.status < 300) return {Action::kDone, Millis(0)};
  if (r.status == 401 || r.status == 403 || r.status == 404 || r.status == 410) {
    return {Action::kDisable, Millis(0)};
  }
  if (r.status == 429) {
    // The receiver says how long: the header, else Discord's body; a bare 429 backs off.
    std::optional<Millis> wait =
        parse_retry_after_header(r.retry_after_header, static_cast<int64_t>(std::time(nullptr)));
    if (!wait) wait = parse_discord_retry_after(r.body);
    if (wait) return {Action::kRetry, std::min(*wait, kBackoffMax)};
  } else if (r.status != 0 && r.status < 500) {
    return {Action::kDrop, Millis(0)};  // 3xx, 400, 413...: the same request would fail again
  }
  // Timeout, connection error, 5xx, bare 429: exponential backoff with jitter, so many
  // daemons hitting one failing receiver do not retry in lockstep.
  const int shift = std::clamp(attempt - 1, 0, 20);
  const int64_t step = std::min<int64_t>(kBackoffBase.count() << shift, kBackoffMax.count());
  std::uniform_int_distribution<int64_t> pick(step / 2, step);
  return {Action::kRetry, Millis(pick(jitter))};
}

}  // namespace flowlens::webhook
