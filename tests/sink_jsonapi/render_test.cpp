// SPDX-License-Identifier: BSD-2-Clause
// JSON details that clients depend on: timestamps, unknown vs 0, whole numbers.
#include "render.h"

#include <gtest/gtest.h>

namespace flowlens::jsonapi {
namespace {

TEST(Render, Rfc3339InUtc) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_rfc3339(1'795'000'000'250), "2026-11-18T11:06:40.250Z");
  EXPECT_EQ(format_rfc3339(-1), "1969-12-31T23:59:59.999Z");
}

TEST(Render, UnknownIsNullAndZeroIsZero) {
  ServerEstimate s;
  s.server_id = "a";
  s.known = true;
  EXPECT_NE(render_server(s, 0, true).find("\"active_players\":0,"), std::string::npos);
  s.known = false;
  const std::string unknown = render_server(s, 0, true);
  EXPECT_NE(unknown.find("\"active_players\":null"), std::string::npos);
  EXPECT_NE(unknown.find("\"status\":\"unknown\""), std::string::npos);
}

TEST(Render, FractionalWindowStaysANumber) {
  ServerEstimate s;
  s.server_id = "a";
  s.sample_window_seconds = 2.5;
  EXPECT_NE(render_server(s, 0, true).find("\"sample_window_seconds\":2.5E0"), std::string::npos);
}

TEST(Render, ExtraFieldsWhenKnown) {
  ServerEstimate s;
  s.server_id = "a\"b";  // escaped, not broken JSON
  s.name = "Survival";
  s.labels = {{"game", "minecraft"}};
  const std::string j = render_server(s, 0, false);
  EXPECT_NE(j.find("\"server_id\":\"a\\\"b\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"name\":\"Survival\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"labels\":{\"game\":\"minecraft\"}"), std::string::npos) << j;
}

TEST(Render, DuplicateIdsKeepTheFirst) {
  Snapshot snap;
  snap.servers.resize(2);
  snap.servers[0].server_id = snap.servers[1].server_id = "x";
  snap.servers[0].known = snap.servers[1].known = true;
  snap.servers[1].active_players = 9;
  const RenderedSnapshot r(snap, true);
  EXPECT_NE(std::string(r.server_body("x")->text).find("\"active_players\":0"), std::string::npos);
}

TEST(Render, EmptySnapshotIsAnEmptyList) {
  const RenderedSnapshot r(Snapshot{}, true);
  EXPECT_EQ(r.list_body().text, "{\"servers\":[]}");
}

}  // namespace
}  // namespace flowlens::jsonapi
