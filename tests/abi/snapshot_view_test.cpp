// SPDX-License-Identifier: BSD-2-Clause
// The C view of a snapshot: every field a plugin reads, in the order and shape the header
// promises, for a table of snapshots.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plugin_host/snapshot_view.h"

namespace flowlens::plugin_host {
namespace {

model::ServerEstimate estimate(std::string id, bool known, uint32_t players,
                               std::vector<std::string> ips) {
  model::ServerEstimate e;
  e.server_id = std::move(id);
  e.known = known;
  e.unknown_reason = known ? "" : "bpf not attached";
  e.active_players = players;
  e.unique_ips = std::move(ips);
  e.sample_window_seconds = 60;
  e.total_bytes = 1234;
  e.name = "Server " + e.server_id;
  e.labels = {{"game", "g-" + e.server_id}, {"region", "eu"}};
  return e;
}

struct Case {
  const char* proves;
  std::vector<model::ServerEstimate> servers;
  std::vector<std::string> expected_order;
};

TEST(SnapshotView, MatchesTheModelSortedById) {
  const std::vector<Case> cases = {
      {"an empty snapshot has no servers and a NULL array", {}, {}},
      {"servers come sorted by id whatever the estimator's order",
       {estimate("z", true, 1, {"10.0.0.1"}), estimate("a", true, 2, {"10.0.0.2", "::1"})},
       {"a", "z"}},
      {"an unknown server reports 0 players and its reason, never a stale count",
       {estimate("u", false, 7, {})},
       {"u"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.proves);
    auto snapshot = std::make_shared<model::Snapshot>();
    snapshot->timestamp_unix_ms = 42;
    snapshot->servers = c.servers;
    SnapshotView view(snapshot);
    const flowlens_snapshot* v = view.get();
    EXPECT_EQ(v->struct_size, sizeof(flowlens_snapshot));
    EXPECT_EQ(v->timestamp_unix_ms, 42);
    ASSERT_EQ(v->server_count, c.expected_order.size());
    if (c.expected_order.empty()) {
      EXPECT_EQ(v->servers, nullptr);
    }
    for (size_t i = 0; i < v->server_count; ++i) {
      const auto* e = FLOWLENS_ARRAY_AT(flowlens_server_estimate, v->servers, i);
      EXPECT_EQ(e->struct_size, sizeof(flowlens_server_estimate));
      EXPECT_STREQ(e->server_id, c.expected_order[i].c_str());
      const model::ServerEstimate* src = nullptr;
      for (const auto& s : c.servers) src = s.server_id == e->server_id ? &s : src;
      ASSERT_NE(src, nullptr);
      EXPECT_EQ(e->known != 0, src->known);
      EXPECT_EQ(e->active_players, src->known ? src->active_players : 0u);
      EXPECT_STREQ(e->unknown_reason, src->known ? "" : "bpf not attached");
      ASSERT_EQ(e->unique_ip_count, src->unique_ips.size());
      for (size_t k = 0; k < e->unique_ip_count; ++k) {
        EXPECT_EQ(e->unique_ips[k], src->unique_ips[k]);
      }
      EXPECT_EQ(e->total_bytes, 1234u);
      EXPECT_EQ(e->sample_window_seconds, 60);
      EXPECT_EQ(std::string(e->name), src->name);
      ASSERT_EQ(e->label_count, src->labels.size());
      auto label = src->labels.begin();
      for (size_t k = 0; k < e->label_count; ++k, ++label) {
        const auto* l = FLOWLENS_ARRAY_AT(flowlens_label, e->labels, k);
        EXPECT_EQ(std::string(l->key), label->first);
        EXPECT_EQ(std::string(l->value), label->second);
      }
    }
  }
}

}  // namespace
}  // namespace flowlens::plugin_host
