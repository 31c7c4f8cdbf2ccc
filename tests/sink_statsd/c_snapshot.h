/* SPDX-License-Identifier: BSD-2-Clause */
// A flowlens_snapshot C view over the sink's test samples, as the daemon would hand it over:
// what the .so tests and the benchmark deliver through the C entry point.
#pragma once

#include "sample.h"

#include <flowlens/plugin.h>

#include <string>
#include <vector>

namespace flowlens::statsd::testing {

class CSnapshot {
 public:
  explicit CSnapshot(const Samples& servers) : servers_(servers) {
    ips_.resize(servers_.size());
    labels_.resize(servers_.size());
    for (std::size_t i = 0; i < servers_.size(); ++i) {
      const ServerSample& s = servers_[i];
      for (uint32_t k = 0; k < s.unique_ips; ++k) ips_[i].push_back("192.0.2.1");
      for (const auto& [key, value] : s.labels) {
        labels_[i].push_back({sizeof(flowlens_label), key.c_str(), value.c_str()});
      }
      flowlens_server_estimate e{};
      e.struct_size = sizeof e;
      e.server_id = s.id.c_str();
      e.known = s.known ? 1 : 0;
      e.unknown_reason = s.known ? "" : "just discovered";
      e.active_players = s.active_players;
      e.unique_ips = ips_[i].empty() ? nullptr : ips_[i].data();
      e.unique_ip_count = ips_[i].size();
      e.sample_window_seconds = 10;
      e.total_bytes = s.total_bytes;
      e.name = s.id.c_str();
      e.labels = labels_[i].empty() ? nullptr : labels_[i].data();
      e.label_count = labels_[i].size();
      estimates_.push_back(e);
    }
    view_.struct_size = sizeof view_;
    view_.timestamp_unix_ms = 1'700'000'000'000;
    view_.servers = estimates_.empty() ? nullptr : estimates_.data();
    view_.server_count = estimates_.size();
  }
  CSnapshot(const CSnapshot&) = delete;
  CSnapshot& operator=(const CSnapshot&) = delete;

  const flowlens_snapshot* get() const { return &view_; }

 private:
  Samples servers_;  // owns the strings the views point at
  std::vector<std::vector<const char*>> ips_;
  std::vector<std::vector<flowlens_label>> labels_;
  std::vector<flowlens_server_estimate> estimates_;
  flowlens_snapshot view_{};
};

}  // namespace flowlens::statsd::testing
