// SPDX-License-Identifier: BSD-2-Clause
// ABI 1.1's health_json: what HostServices returns reaches a plugin whole, through the C function
// (snprintf-style truncation) and through the C++ helper (retry with a bigger buffer), and a host
// older than 1.1 is detected by struct_size rather than called.
#include <cstddef>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "abi_test_support.h"
#include "flowlens/sdk/host.hpp"
#include "flowlens/sdk/thread.hpp"
#include "plugin_host/host_api.h"
#include "plugin_host/loader.h"
#include "plugin_host/plugin_instance.h"

namespace flowlens::plugin_host {
namespace {

using testing::RecordingServices;
using testing::TrustedDir;

// A health text longer than any first guess, ending in a marker a truncation would cut off.
std::string long_health() {
  std::string plugins;
  for (int i = 0; i < 400; ++i) {
    if (i > 0) plugins += ",";
    plugins += R"({"instance":"sink-)" + std::to_string(i) + R"(","state":"started"})";
  }
  return R"({"version":"9.9.9","plugins":[)" + plugins + R"(],"end":true})";
}

TEST(HostApiHealth, HostSpeaksTheCurrentMinorAndOffersTheFunction) {
  RecordingServices services;
  HostApi api("probe", services);
  EXPECT_EQ(api.get()->abi_minor, static_cast<uint32_t>(FLOWLENS_PLUGIN_ABI_MINOR));
  EXPECT_TRUE(FLOWLENS_HAS_FIELD(flowlens_host_api, api.get(), health_json));
  EXPECT_NE(api.get()->health_json, nullptr);
}

TEST(HostApiDiscoveryInterval, HostHandsTheOperatorsIntervalToEveryPlugin) {
  RecordingServices services;
  HostApi api("probe", services);
  ASSERT_TRUE(FLOWLENS_HAS_FIELD(flowlens_host_api, api.get(), discovery_interval_ms));
  EXPECT_EQ(api.get()->discovery_interval_ms,
            static_cast<uint64_t>(services.discovery_interval().count()));
  EXPECT_EQ(sdk::Host(api.get()).discovery_interval(), services.discovery_interval());
}

TEST(HostApiHealth, CFunctionTruncatesLikeSnprintfAndReturnsTheFullLength) {
  RecordingServices services;
  services.set_health(R"({"version":"1.2.3"})");  // 19 bytes
  HostApi host("probe", services);
  const flowlens_host_api* api = host.get();

  EXPECT_EQ(api->health_json(api->context, nullptr, 0), 19u) << "length only";
  char small[8];
  std::memset(small, 'x', sizeof small);
  EXPECT_EQ(api->health_json(api->context, small, sizeof small), 19u);
  EXPECT_STREQ(small, R"({"versi)") << "size - 1 bytes and a NUL";
  char exact[20];
  EXPECT_EQ(api->health_json(api->context, exact, sizeof exact), 19u);
  EXPECT_STREQ(exact, R"({"version":"1.2.3"})");
}

TEST(HostApiHealth, AThrowingServiceGivesEmptyTextAndALogLineNotACrash) {
  RecordingServices services;
  services.set_health("ignored", /*throws=*/true);
  HostApi host("probe", services);
  char buf[16] = "untouched";
  EXPECT_EQ(host.get()->health_json(host.get()->context, buf, sizeof buf), 0u);
  EXPECT_STREQ(buf, "");
  EXPECT_TRUE(services.logged("probe: health_json failed: health exploded on purpose"));
}

TEST(HostApiHealth, CppHelperRetriesALongTextAtTheLengthTheHostAsked) {
  RecordingServices services;
  const std::string text = long_health();
  ASSERT_GT(text.size(), 10000u);
  services.set_health(text);
  HostApi host("probe", services);
  EXPECT_EQ(sdk::Host(host.get()).health_json(), text);
}

TEST(HostApiHealth, CppHelperReturnsEmptyFromAHostOlderThanOneOne) {
  RecordingServices services;
  HostApi host("probe", services);
  // A v1.0 host: its struct ends before health_json. The pointer past it must not be called.
  flowlens_host_api old = *host.get();
  old.struct_size = offsetof(flowlens_host_api, health_json);
  old.abi_minor = 0;
  old.health_json = [](flowlens_host_context*, char*, size_t) -> size_t {
    ADD_FAILURE() << "called past the host's struct_size";
    return 0;
  };
  sdk::Host helper(&old);
  EXPECT_FALSE(helper.has_health_json());
  EXPECT_EQ(helper.health_json(), "");
}

TEST(HostApiHealth, PluginBuiltWithTheHelperGetsWhatHostServicesReturns) {
  TrustedDir dir;
  RecordingServices services;
  const std::string text = long_health();
  services.set_health(text);
  PluginInstance inst("probe", load_plugin_file(dir.add("abi_health_probe")), services);
  inst.create("{}");
  inst.start();
  EXPECT_TRUE(services.logged("probe: offered: yes"));
  EXPECT_TRUE(services.logged("probe: health: " + text)) << "the whole text, not a truncation";
  inst.stop();
  inst.destroy();
}

TEST(HostApiStatus, APluginsOwnStatusReachesTheHostAndAnOlderHostIgnoresIt) {
  RecordingServices services;
  HostApi api("docker", services);
  sdk::Host(api.get()).set_status("degraded", "docker unreachable");
  EXPECT_TRUE(services.logged("docker: status degraded: docker unreachable"));
  flowlens_host_api older = *api.get();
  older.struct_size = offsetof(flowlens_host_api, set_status);  // a 1.1-sized table
  older.set_status = nullptr;
  sdk::Host(&older).set_status("ok");  // must not call through a field the host never wrote
  EXPECT_FALSE(services.logged("status ok"));
}

TEST(HostApiFailure, AnExceptionEscapingAnSdkThreadIsReportedNamingTheThread) {
  RecordingServices services;
  HostApi api("poller", services);
  ASSERT_TRUE(FLOWLENS_HAS_FIELD(flowlens_host_api, api.get(), report_failure));
  const sdk::Host host(api.get());
  sdk::Thread(host, "poll", [] { throw std::runtime_error("panel gone"); }).join();
  sdk::Thread(host, "io", [] { throw 7; }).join();
  sdk::Thread(host, "fine", [] {}).join();
  EXPECT_TRUE(services.logged("poller: thread 'poll' ended by an uncaught exception: panel gone"));
  EXPECT_TRUE(services.logged(
      "poller: thread 'io' ended by an uncaught exception: an exception that is not a "
      "std::exception"));
  EXPECT_FALSE(services.logged("'fine'"));
}

TEST(HostApiFailure, AnOlderHostGetsTheFailureAsALogLineAndAStatus) {
  RecordingServices services;
  HostApi api("poller", services);
  flowlens_host_api older = *api.get();
  older.struct_size = offsetof(flowlens_host_api, report_failure);  // a 1.4-sized table
  older.report_failure = nullptr;
  sdk::Thread(sdk::Host(&older), "poll", [] { throw std::runtime_error("panel gone"); }).join();
  EXPECT_TRUE(services.logged("poller: thread 'poll' ended by an uncaught exception: panel gone"));
  EXPECT_TRUE(services.logged("poller: status failed: thread 'poll' ended"));
}

}  // namespace
}  // namespace flowlens::plugin_host
