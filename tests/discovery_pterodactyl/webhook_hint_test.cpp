// SPDX-License-Identifier: BSD-2-Clause
// A Pelican webhook body becomes a resync hint: the one server it names, else the whole list.
#include <gtest/gtest.h>

#include "webhook_hint.h"

namespace flowlens::discovery_pterodactyl {
namespace {

TEST(WebhookHint, ServerEventsNameTheServerEverythingElseResyncsTheList) {
  struct Row {
    const char* header;
    const char* body;
    std::optional<std::string> uuid;
  };
  const Row rows[] = {
      // Current Pelican: the model's attributes plus "event".
      {"", R"({"id":7,"uuid":"1a7ce997-259b-452e-8b4e-cecc464142ca","node_id":1,
               "name":"Survival","event":"updated: Server"})",
       "1a7ce997-259b-452e-8b4e-cecc464142ca"},
      // Older Pelican: the event in a header, the class name in full.
      {"eloquent.created: App\\Models\\Server", R"({"id":7,"uuid":"abc","node_id":1})", "abc"},
      // An allocation changed: its server is a panel id, so the list is read again.
      {"", R"({"id":40,"ip":"0.0.0.0","port":27015,"server_id":7,"event":"updated: Allocation"})",
       std::nullopt},
      // Not a server, though it has a uuid.
      {"", R"({"uuid":"n1","fqdn":"fra-1","event":"updated: Node"})", std::nullopt},
      {"", R"({"uuid":"t1","event":"created: ServerTransfer"})", std::nullopt},
      // A server event without a usable uuid.
      {"", R"({"id":7,"event":"deleted: Server"})", std::nullopt},
      {"", R"({"uuid":12,"event":"deleted: Server"})", std::nullopt},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(parse_webhook(row.header, row.body).server_uuid, row.uuid) << row.body;
  }
}

TEST(WebhookHint, ABodyThatIsNoJsonObjectIsRefused) {
  EXPECT_THROW(parse_webhook("", "[1,2]"), std::invalid_argument);
  EXPECT_THROW(parse_webhook("", "uuid=abc"), std::invalid_argument);
  EXPECT_THROW(parse_webhook("", R"({"uuid":"abc")"), std::invalid_argument);
}

}  // namespace
}  // namespace flowlens::discovery_pterodactyl
