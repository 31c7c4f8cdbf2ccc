// SPDX-License-Identifier: BSD-2-Clause
// This host's node: the uuid line of the Wings config, or the one node whose fqdn resolves to
// an address of this host.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <sstream>

#include "fixture.h"
#include "local_addresses.h"
#include "node_match.h"
#include "wings_config.h"

namespace flowlens::discovery_pterodactyl {
namespace {

TEST(WingsConfig, ReadsOnlyTheTopLevelUuid) {
  std::istringstream in(test::fixture("wings_config.yml"));
  EXPECT_EQ(read_wings_uuid(in), "6b2c0f3e-6a5e-4a4b-9c8d-2f7a1e0b9c44");

  struct Row {
    const char* text;
    std::optional<std::string> uuid;
  };
  for (const Row& row : {
           Row{"uuid: \"abc\"\n", "abc"},
           Row{"uuid: 'abc'  # node\n", "abc"},
           Row{"api:\n  uuid: nested\n", std::nullopt},
           Row{"uuid:\n", std::nullopt},
           Row{"token: x\n", std::nullopt},
       }) {
    std::istringstream s(row.text);
    EXPECT_EQ(read_wings_uuid(s), row.uuid) << row.text;
  }
}

TEST(WingsConfig, AMissingFileMeansNoWingsOtherFailuresAreErrors) {
  EXPECT_EQ(read_wings_uuid_file("/nonexistent/pterodactyl/config.yml"), std::nullopt);
  EXPECT_EQ(read_wings_uuid_file(std::string(FLOWLENS_TEST_SOURCE_DIR) +
                                 "/tests/discovery_pterodactyl/fixtures/wings_config.yml"),
            "6b2c0f3e-6a5e-4a4b-9c8d-2f7a1e0b9c44");
  if (geteuid() != 0) {  // root reads anything
    EXPECT_THROW(read_wings_uuid_file("/etc/shadow"), std::runtime_error);
  }
}

std::vector<PanelNode> nodes() {
  return {{1, "u1", "fra-1", "fra-1.example.com"},
          {2, "u2", "fra-2", "fra-2.example.com"},
          {3, "u3", "ams-1", "ams-1.example.com"}};
}

std::vector<std::string> fake_dns(const std::string& fqdn) {
  if (fqdn == "fra-1.example.com") return {"203.0.113.1"};
  if (fqdn == "fra-2.example.com") return {"2001:db8::2", "203.0.113.2"};
  if (fqdn == "ams-1.example.com") return {"198.51.100.3"};
  return {};
}

TEST(NodeMatch, TheNodeWhoseFqdnResolvesToAnAddressOfThisHost) {
  EXPECT_EQ(node_for_this_host(nodes(), fake_dns, {"127.0.0.1", "203.0.113.2"}), 2);
  EXPECT_EQ(node_for_this_host(nodes(), fake_dns, {"::1", "2001:db8::2"}), 2);
}

TEST(NodeMatch, NoneOrSeveralIsAnErrorNamingTheNodes) {
  try {
    node_for_this_host(nodes(), fake_dns, {"127.0.0.1"});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(),
                 "no panel node's fqdn resolves to an address of this host (nodes: 1 "
                 "(fra-1.example.com), 2 (fra-2.example.com), 3 (ams-1.example.com)); set "
                 "node_id");
  }
  try {
    node_for_this_host(nodes(), fake_dns, {"203.0.113.1", "198.51.100.3"});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(),
                 "several panel nodes resolve to this host: 1 (fra-1.example.com), 3 "
                 "(ams-1.example.com); set node_id");
  }
}

TEST(ResolveHost, NamesFromTheHostsFileAndLiteralsNoDnsNeeded) {
  std::atomic<bool> stop{false};
  const std::vector<std::string> localhost = resolve_host("localhost", stop);
  EXPECT_NE(std::find(localhost.begin(), localhost.end(), "127.0.0.1"), localhost.end());
  EXPECT_EQ(resolve_host("198.51.100.7", stop), std::vector<std::string>{"198.51.100.7"});
  EXPECT_EQ(local_addresses().count("127.0.0.1"), 1u);
  EXPECT_EQ(local_addresses().count("198.51.100.7"), 0u);
}

}  // namespace
}  // namespace flowlens::discovery_pterodactyl
