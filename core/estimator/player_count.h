/* SPDX-License-Identifier: BSD-2-Clause */
// From the counted flows of one server to a player count: one player per client endpoint, except
// that one address talking to several ports of the same server (a game using TCP and UDP, a game
// port plus a voice port) is as many players as its busiest port has endpoints, not the sum.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "model/flow_record.h"

namespace flowlens::estimator {

struct PlayerCount {
  uint32_t players = 0;
  std::vector<std::string> addresses;  // distinct client addresses, text form
};

PlayerCount count_players(std::span<const model::FlowRecord* const> counted);

}  // namespace flowlens::estimator
