// SPDX-License-Identifier: BSD-2-Clause
// Loading: what the host accepts and what it refuses, and that every refusal names the file and
// says why. Each case loads a real .so fixture.
#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "abi_test_support.h"
#include "plugin_host/loader.h"
#include "plugin_host/plugin_error.h"
#include "plugin_host/plugin_list.h"

namespace flowlens::plugin_host {
namespace {

using testing::TrustedDir;
namespace fs = std::filesystem;

// Loads `file` expecting a refusal; returns the message.
std::string refusal(const fs::path& file) {
  try {
    load_plugin_file(file);
  } catch (const PluginError& e) {
    return e.what();
  }
  ADD_FAILURE() << "loaded " << file << " but it should have been refused";
  return "";
}

TEST(PluginLoad, FrozenV1PluginLoadsWithItsDescriptor) {
  TrustedDir dir;
  auto plugin = load_plugin_file(dir.add("abi_frozen_v1"));
  EXPECT_EQ(plugin->name, "frozen-v1");
  EXPECT_EQ(plugin->version, "1.0.0");
  EXPECT_EQ(plugin->abi_major, 1u);
  EXPECT_TRUE(plugin->is_sink());
  EXPECT_TRUE(plugin->is_discovery());
}

TEST(PluginLoad, NextMajorIsRefusedNamingFileAndBothVersions) {
  TrustedDir dir;
  fs::path file = dir.add("abi_next_major");
  std::string msg = refusal(file);
  EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
  EXPECT_NE(
      msg.find("built for plugin ABI " + std::to_string(FLOWLENS_PLUGIN_ABI_MAJOR + 1) + ".0"),
      std::string::npos)
      << msg;
  EXPECT_NE(msg.find("speaks plugin ABI " + std::to_string(FLOWLENS_PLUGIN_ABI_MAJOR) + "." +
                     std::to_string(FLOWLENS_PLUGIN_ABI_MINOR)),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("major versions must match"), std::string::npos) << msg;
}

TEST(PluginLoad, PluginExportingOnlyAV2EntryIsToldApartFromANonPlugin) {
  TrustedDir dir;
  std::string msg = refusal(dir.add("abi_next_major_symbol"));
  EXPECT_NE(msg.find("flowlens_plugin_entry_v2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("built for plugin ABI 2"), std::string::npos) << msg;
}

TEST(PluginLoad, UnresolvedSymbolIsRefusedAtLoadNotAtFirstCall) {
  TrustedDir dir;
  fs::path file = dir.add("abi_undefined_symbol");
  std::string msg = refusal(file);
  EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("flowlens_fixture_function_nobody_defines"), std::string::npos) << msg;
}

TEST(PluginLoad, MissingEntrySymbolIsRefused) {
  TrustedDir dir;
  fs::path file = dir.add("abi_missing_entry");
  std::string msg = refusal(file);
  EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("no entry symbol flowlens_plugin_entry_v1"), std::string::npos) << msg;
}

TEST(PluginLoad, MissingRequiredCallbackIsRefusedByName) {
  TrustedDir dir;
  std::string msg = refusal(dir.add("abi_missing_create"));
  EXPECT_NE(msg.find("missing required descriptor field 'create'"), std::string::npos) << msg;
}

TEST(PluginLoad, LargerDescriptorFromNewerMinorLoadsAndItsTailIsIgnored) {
  TrustedDir dir;
  auto plugin = load_plugin_file(dir.add("abi_larger_descriptor"));
  EXPECT_EQ(plugin->name, "larger-descriptor");
  EXPECT_EQ(plugin->abi_minor, FLOWLENS_PLUGIN_ABI_MINOR + 1u);
  EXPECT_EQ(plugin->descriptor.struct_size, sizeof(flowlens_plugin_descriptor));
  EXPECT_EQ(plugin->descriptor.start, nullptr);
  EXPECT_EQ(plugin->descriptor.on_event, nullptr);
}

TEST(PluginLoad, SmallerDescriptorReadsMissingOptionalFieldsAsAbsent) {
  TrustedDir dir;
  auto plugin = load_plugin_file(dir.add("abi_smaller_descriptor"));
  EXPECT_EQ(plugin->name, "smaller-descriptor");
  EXPECT_EQ(plugin->descriptor.start, nullptr);  // the 0xff bytes behind it were not copied
  EXPECT_EQ(plugin->descriptor.stop, nullptr);
  EXPECT_EQ(plugin->descriptor.on_snapshot, nullptr);
}

TEST(PluginLoad, DescriptorOfAnOlderMinorHasNoReopenWhateverLiesBehindIt) {
  TrustedDir dir;
  auto plugin = load_plugin_file(dir.add("abi_minor3_descriptor"));
  EXPECT_EQ(plugin->name, "minor3-descriptor");
  EXPECT_EQ(plugin->abi_minor, 3u);
  EXPECT_EQ(plugin->descriptor.reopen, nullptr);  // the 0xff bytes behind 1.3's end
}

TEST(PluginLoad, WorldWritableFileIsRefusedNamingIt) {
  TrustedDir dir;
  fs::path file = dir.add("abi_frozen_v1", "writable");
  fs::permissions(file, fs::perms(0666));
  std::string msg = refusal(file);
  EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("writable by group or others"), std::string::npos) << msg;
}

TEST(PluginLoad, GroupWritableDirectoryIsRefusedNamingIt) {
  TrustedDir dir;
  fs::path file = dir.add("abi_frozen_v1", "in-open-dir");
  fs::permissions(dir.path(), fs::perms(0775));
  std::string msg = refusal(file);
  EXPECT_NE(msg.find("directory " + fs::canonical(dir.path()).string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("writable by group or others"), std::string::npos) << msg;
}

TEST(PluginLoad, FileOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown a fixture";
  TrustedDir dir;
  fs::path file = dir.add("abi_frozen_v1", "foreign");
  ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
  std::string msg = refusal(file);
  EXPECT_NE(msg.find(file.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("owned by uid 65534"), std::string::npos) << msg;
}

TEST(PluginLoad, ByNameFindsFileOrDescriptorNameAndNamesWhatIsMissing) {
  TrustedDir dir;
  dir.add("abi_frozen_v1", "frozen-v1");
  dir.add("abi_larger_descriptor", "some-other-file-name");
  EXPECT_EQ(load_plugin(dir.path(), "frozen-v1")->name, "frozen-v1");
  EXPECT_EQ(load_plugin(dir.path(), "larger-descriptor")->name, "larger-descriptor");
  try {
    load_plugin(dir.path(), "sink-nowhere");
    FAIL() << "found a plugin that does not exist";
  } catch (const PluginError& e) {
    EXPECT_NE(std::string(e.what()).find("'sink-nowhere' is not installed"), std::string::npos);
  }
  EXPECT_THROW(load_plugin(dir.path(), "../etc/evil"), PluginError);
}

TEST(PluginList, ListsGoodPluginsAndTheReasonForEachRefusedOne) {
  TrustedDir dir;
  dir.add("abi_frozen_v1");
  dir.add("abi_next_major");
  auto plugins = list_plugins(dir.path());
  ASSERT_EQ(plugins.size(), 2u);
  ASSERT_TRUE(plugins[0].plugin) << plugins[0].error;
  EXPECT_EQ(plugins[0].plugin->name, "frozen-v1");
  EXPECT_TRUE(plugins[0].error.empty());
  EXPECT_FALSE(plugins[1].plugin);
  EXPECT_NE(plugins[1].error.find("built for plugin ABI 2.0"), std::string::npos);
  std::string table = format_plugin_list(plugins);
  EXPECT_NE(table.find("frozen-v1"), std::string::npos) << table;
  EXPECT_NE(table.find("discovery+sink"), std::string::npos) << table;
  EXPECT_NE(table.find("refused: "), std::string::npos) << table;
  EXPECT_TRUE(list_plugins(dir.path() / "absent").empty());
}

}  // namespace
}  // namespace flowlens::plugin_host
