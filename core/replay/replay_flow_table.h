/* SPDX-License-Identifier: BSD-2-Clause */
// model::FlowTable fed from a capture: each packet is accounted with flowlens_account(), the same
// function the kernel applies, so the estimator sees the records live mode would give it.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>

#include <cstdint>
#include <span>
#include <vector>

#include "estimator/session.h"
#include "model/flow_record.h"
#include "model/server.h"
#include "replay/packet_parser.h"

namespace flowlens::replay {

class ReplayFlowTable : public model::FlowTable {
 public:
  ReplayFlowTable();

  // The (port, protocol) pairs whose packets are accounted, as the kernel's watched-ports map.
  void watch(std::span<const model::Server> servers);

  // Accounts one packet at capture time `ts_ns`. Direction comes from ports: a destination
  // port/proto of a server makes it ingress (client -> server), else a source port makes it
  // egress. A refusal (ICMP port unreachable) only marks the admitted flow it quotes, as the
  // kernel does. Returns false for packets of no server.
  bool account(const ParsedPacket& p, uint64_t frame_len, uint64_t ts_ns);

  // Flows with two packets or more: the kernel keeps a flow's first packet in its probation map
  // and the flow map (what the estimator reads live) holds only admitted flows.
  void read_all(std::vector<model::FlowRecord>& out) override;
  void erase(std::span<const flowlens_flow_key> keys) override;

  size_t size() const { return flows_.size(); }

 private:
  bool watched(uint16_t port, uint8_t proto) const;
  bool refuse(const ParsedPacket& p, uint64_t ts_ns);

  std::vector<bool> watched_;  // (proto slot, port)
  boost::unordered_flat_map<flowlens_flow_key, flowlens_flow_value, estimator::KeyHash,
                            estimator::KeyEq>
      flows_;
};

}  // namespace flowlens::replay
