// SPDX-License-Identifier: BSD-2-Clause
#include "estimator/config_keys.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace flowlens::estimator {

namespace {

#define FLOWLENS_KEY(member, is_int, text)                                               \
  ConfigKey {                                                                            \
#member, text, [](const EstimatorConfig& c) { return static_cast<double>(c.member); }, \
        [](EstimatorConfig& c, double v) {                                               \
          c.member = static_cast<decltype(c.member)>(v);                                 \
        },                                                                               \
        is_int \
  }

const ConfigKey kKeys[] = {
    FLOWLENS_KEY(min_session_seconds, false, "seconds a flow must live before it can count"),
    FLOWLENS_KEY(qualify_window_seconds, true, "recent whole seconds the activity test looks at"),
    FLOWLENS_KEY(min_active_share, false,
                 "share of those seconds in which both client and server must send"),
    FLOWLENS_KEY(min_packets_each_way, true, "lifetime packets each way before a flow can count"),
    FLOWLENS_KEY(max_query_share, false, "client packets that may be server-list queries"),
    FLOWLENS_KEY(min_reply_ratio, false, "minimum server/client packet ratio"),
    FLOWLENS_KEY(paced_min_seconds, false, "seconds of history a slow-paced flow needs to count"),
    FLOWLENS_KEY(paced_max_client_gap_seconds, false,
                 "a slow-paced client sends at least once in this many seconds on average"),
    FLOWLENS_KEY(paced_min_server_led_seconds, true,
                 "seconds in which the server sends on its own before a slow-paced flow counts"),
    FLOWLENS_KEY(sustain_window_seconds, true,
                 "recent whole seconds a counted session's activity is judged on"),
    FLOWLENS_KEY(min_sustain_share, false,
                 "share of those seconds in which both sides must send to stay counted"),
    FLOWLENS_KEY(client_silence_seconds, false, "client silence that ends a session"),
    FLOWLENS_KEY(stall_hold_seconds, false,
                 "longest client silence held once the link or its server's players have stalled"),
    FLOWLENS_KEY(stall_hold_factor, false,
                 "client silence held as a multiple of the longest stall seen"),
    FLOWLENS_KEY(both_silence_seconds, false, "silence of both sides that ends a session"),
    FLOWLENS_KEY(silence_gap_factor, false,
                 "silence limits stretch to this many typical packet gaps of the flow"),
    FLOWLENS_KEY(server_pause_hold_seconds, false,
                 "how long players are held when the server goes quiet to all of them at once"),
    FLOWLENS_KEY(handover_min_silence_seconds, false,
                 "client silence after which a session may move to a new endpoint"),
    FLOWLENS_KEY(handover_min_age_seconds, false,
                 "age a new endpoint needs to take a session over"),
    FLOWLENS_KEY(handover_min_packets, true, "packets each way a new endpoint needs to take over"),
    FLOWLENS_KEY(handover_window_seconds, false,
                 "how long a session ended by silence can still be taken over"),
    FLOWLENS_KEY(resume_window_seconds, false,
                 "an ended endpoint talking again within this counts again at once"),
    FLOWLENS_KEY(expire_noise_seconds, false,
                 "idle time after which a never-counted flow is erased"),
    FLOWLENS_KEY(expire_closed_seconds, false, "idle time after which a closed TCP flow is erased"),
    FLOWLENS_KEY(expire_ended_seconds, false, "idle time after which an ended session is erased"),
    FLOWLENS_KEY(warmup_seconds, false, "a newly watched server is unknown for this long"),
};

#undef FLOWLENS_KEY

}  // namespace

std::span<const ConfigKey> config_keys() {
  return kKeys;
}

void set_config_value(EstimatorConfig& cfg, std::string_view name, double value) {
  for (const auto& k : kKeys) {
    if (k.name != name) continue;
    if (!std::isfinite(value) || value < 0)
      throw std::invalid_argument("estimator option " + std::string(name) +
                                  ": expected a non-negative number");
    if (k.integer && value != std::floor(value))
      throw std::invalid_argument("estimator option " + std::string(name) +
                                  ": expected a whole number");
    if ((name == "qualify_window_seconds" || name == "sustain_window_seconds") &&
        (value < 1 || value > kMaxQualifyWindowSeconds))
      throw std::invalid_argument("estimator option " + std::string(name) + ": expected 1-" +
                                  std::to_string(kMaxQualifyWindowSeconds) +
                                  " (the kernel keeps 64 s of activity)");
    k.set(cfg, value);
    return;
  }
  std::string known;
  for (const auto& k : kKeys) known += (known.empty() ? "" : ", ") + std::string(k.name);
  throw std::invalid_argument("unknown estimator option '" + std::string(name) +
                              "'; known: " + known);
}

void apply_config_override(EstimatorConfig& cfg, std::string_view assignment) {
  size_t eq = assignment.find('=');
  if (eq == std::string_view::npos)
    throw std::invalid_argument("estimator option '" + std::string(assignment) +
                                "': expected KEY=VALUE");
  std::string_view value = assignment.substr(eq + 1);
  double v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || p != value.data() + value.size())
    throw std::invalid_argument("estimator option '" + std::string(assignment) +
                                "': value is not a number");
  set_config_value(cfg, assignment.substr(0, eq), v);
}

}  // namespace flowlens::estimator
