// SPDX-License-Identifier: BSD-2-Clause
// `flowlensd alert-test` over a real plugin .so with a test message: what each destination
// answered, per instance, and an exit status a script can act on.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "abi_test_support.h"
#include "daemon/alert_test_command.h"

namespace flowlens::daemon {
namespace {

using plugin_host::testing::TrustedDir;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

class AlertTest : public ::testing::Test {
 protected:
  AlertTest() {
    plugins_.add("abi_self_test", "sink-selftest");
    plugins_.add("abi_health_probe", "health-probe");
  }
  void conf(const std::string& yaml) { std::ofstream(conf_.path() / "10.yaml") << yaml; }
  Outcome run(const std::string& instance = "") {
    AlertTestOptions o;
    o.conf_dir = conf_.path().string();
    o.plugin_dir = plugins_.path().string();
    o.instance = instance;
    std::ostringstream out, err;
    const int code = run_alert_test(o, out, err);
    return {code, out.str(), err.str()};
  }
  TrustedDir plugins_;
  TrustedDir conf_;
};

TEST_F(AlertTest, ReportsWhatEachDestinationAnsweredAndFailsWhenOneRefused) {
  conf(
      "plugins:\n"
      "  good: {plugin: sink-selftest, config: {accept: [discord]}}\n"
      "  bad: {plugin: sink-selftest, config: {accept: [slack], refuse: [alertmanager]}}\n"
      "  probe: {plugin: health-probe}\n");
  const Outcome r = run();
  EXPECT_EQ(r.code, kAlertTestFailed) << r.out << r.err;
  EXPECT_NE(r.out.find("good (sink-selftest): OK\n    discord: answered 204\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("bad (sink-selftest): FAILED\n    slack: answered 204\n    alertmanager: "
                       "answered 404 Unknown Webhook\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("probe"), std::string::npos) << "a plugin without a test is not listed";
}

TEST_F(AlertTest, OneInstanceByNameAndItsExitStatus) {
  conf(
      "plugins:\n"
      "  good: {plugin: sink-selftest, config: {accept: [discord]}}\n"
      "  bad: {plugin: sink-selftest, config: {refuse: [slack]}}\n"
      "  probe: {plugin: health-probe}\n");
  EXPECT_EQ(run("good").code, kAlertTestOk);
  const Outcome none = run("nosuch");
  EXPECT_EQ(none.code, kAlertTestUsage);
  EXPECT_NE(none.err.find("no enabled, installed instance named 'nosuch'"), std::string::npos);
  const Outcome probe = run("probe");
  EXPECT_EQ(probe.code, kAlertTestUsage);
  EXPECT_NE(probe.err.find("instance 'probe' (health-probe) has no test message"),
            std::string::npos)
      << probe.err;
}

TEST_F(AlertTest, AThrowingTestOrABadConfigIsAFailureWithItsMessage) {
  conf(
      "plugins:\n"
      "  throws: {plugin: sink-selftest, config: {accept: [throw]}}\n"
      "  typo: {plugin: sink-selftest, config: {acept: [x]}}\n");
  const Outcome r = run();
  EXPECT_EQ(r.code, kAlertTestFailed);
  EXPECT_NE(r.out.find("throws (sink-selftest): FAILED\n    could not build the test message"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("typo (sink-selftest): FAILED"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("acept: unknown key"), std::string::npos) << r.out;
}

TEST_F(AlertTest, NothingToTestIsAUsageError) {
  conf("plugins:\n  probe: {plugin: health-probe}\n");
  const Outcome r = run();
  EXPECT_EQ(r.code, kAlertTestUsage);
  EXPECT_NE(r.err.find("no configured sink sends test messages"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace flowlens::daemon
