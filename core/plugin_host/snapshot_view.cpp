// SPDX-License-Identifier: BSD-2-Clause
#include "plugin_host/snapshot_view.h"

#include <algorithm>
#include <numeric>

namespace flowlens::plugin_host {

SnapshotView::SnapshotView(model::SnapshotPtr snapshot) : snapshot_(std::move(snapshot)) {
  view_.struct_size = sizeof view_;
  if (!snapshot_) return;
  const auto& in = snapshot_->servers;
  // The ABI promises servers sorted by id, whatever order the estimator produced.
  std::vector<size_t> order(in.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return in[a].server_id < in[b].server_id; });

  size_t ip_total = 0;
  size_t label_total = 0;
  for (const auto& s : in) {
    ip_total += s.unique_ips.size();
    label_total += s.labels.size();
  }
  // No reallocation below: the estimates point into both.
  ips_.reserve(ip_total);
  labels_.reserve(label_total);
  servers_.reserve(in.size());
  for (size_t i : order) {
    const model::ServerEstimate& s = in[i];
    flowlens_server_estimate e{};
    e.struct_size = sizeof e;
    e.server_id = s.server_id.c_str();
    e.known = s.known ? 1 : 0;
    e.unknown_reason = s.known ? "" : s.unknown_reason.c_str();
    e.active_players = s.known ? s.active_players : 0;
    e.unique_ips = ips_.data() + ips_.size();
    for (const std::string& ip : s.unique_ips) ips_.push_back(ip.c_str());
    e.unique_ip_count = s.unique_ips.size();
    if (e.unique_ip_count == 0) e.unique_ips = nullptr;
    e.sample_window_seconds = s.sample_window_seconds;
    e.total_bytes = s.total_bytes;
    e.name = s.name.empty() ? s.server_id.c_str() : s.name.c_str();
    e.labels = s.labels.empty() ? nullptr : labels_.data() + labels_.size();
    for (const auto& [key, value] : s.labels)
      labels_.push_back({sizeof(flowlens_label), key.c_str(), value.c_str()});
    e.label_count = s.labels.size();
    servers_.push_back(e);
  }
  view_.timestamp_unix_ms = snapshot_->timestamp_unix_ms;
  view_.monotonic_ns = snapshot_->monotonic_ns;
  view_.servers = servers_.empty() ? nullptr : servers_.data();
  view_.server_count = servers_.size();
}

}  // namespace flowlens::plugin_host
