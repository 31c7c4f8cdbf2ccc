/* SPDX-License-Identifier: BSD-2-Clause */
// The servers every dialect fixture was recorded from: a known server with labels (one label
// empty, one needing sanitizing), a hostile id, and an unknown server.
#pragma once

#include "sample.h"

namespace flowlens::statsd::testing {

inline Samples fixture_servers(uint64_t mc_bytes) {
  Samples s(3);
  s[0].id = "eu.rust:1|x";
  s[0].known = true;
  s[0].active_players = 7;
  s[0].unique_ips = 6;
  s[0].total_bytes = 1000;
  s[1].id = "mc";
  s[1].known = true;
  s[1].active_players = 3;
  s[1].unique_ips = 3;
  s[1].total_bytes = mc_bytes;
  s[1].labels = {{"game", "minecraft"}, {"region", "eu west"}, {"owner", ""}};
  s[2].id = "valheim";
  s[2].known = false;
  s[2].labels = {{"game", "valheim"}};
  return s;
}

}  // namespace flowlens::statsd::testing
