/* SPDX-License-Identifier: BSD-2-Clause */
// The C view (flowlens_snapshot) of a model::Snapshot, for plugins. It shares the snapshot rather
// than copying strings, and stays valid as long as this object lives.
#pragma once

#include <vector>

#include "flowlens/plugin.h"
#include "model/snapshot.h"

namespace flowlens::plugin_host {

class SnapshotView {
 public:
  explicit SnapshotView(model::SnapshotPtr snapshot);
  SnapshotView(const SnapshotView&) = delete;
  SnapshotView& operator=(const SnapshotView&) = delete;

  const flowlens_snapshot* get() const { return &view_; }
  const model::SnapshotPtr& snapshot() const { return snapshot_; }

 private:
  model::SnapshotPtr snapshot_;  // owns every string the view points into
  std::vector<flowlens_server_estimate> servers_;
  std::vector<const char*> ips_;        // every server's addresses, back to back
  std::vector<flowlens_label> labels_;  // every server's labels, back to back
  flowlens_snapshot view_{};
};

}  // namespace flowlens::plugin_host
