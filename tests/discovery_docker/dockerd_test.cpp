// SPDX-License-Identifier: BSD-2-Clause
// discovery-docker.so, loaded as the daemon loads it, against a real dockerd that this test
// starts in a network namespace of its own. Every change must show in the registry within 1 s.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <thread>

#include <boost/json.hpp>

#include "plugin_host/loader.h"
#include "plugin_host/plugin_instance.h"
#include "privileged.h"
#include "recording_services.h"
#include "test_dockerd.h"

namespace flowlens::discovery_docker {
namespace {

using namespace std::chrono_literals;
using testing::RecordingServices;
using testing::TestDockerd;

// The bar: a change shows in the registry within 1 s of the docker command returning.
constexpr auto kWithin = 1000ms;
// Reconnecting after dockerd comes back: backoff up to a few seconds, plus a slow start.
constexpr auto kReconnectWithin = 20s;

std::unique_ptr<TestDockerd> g_dockerd;
std::string g_unavailable;

class DockerdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_unavailable = TestDockerd::unavailable_reason();
    if (!g_unavailable.empty()) return;
    g_dockerd = std::make_unique<TestDockerd>();
    try {
      g_dockerd->start();
    } catch (const std::exception& e) {
      g_unavailable = std::string("dockerd did not start: ") + e.what();
      g_dockerd.reset();
    }
  }
  static void TearDownTestSuite() { g_dockerd.reset(); }

  void SetUp() override {
    if (!g_unavailable.empty()) FLOWLENS_PRIVILEGED_UNAVAILABLE(g_unavailable);
    label_ = std::string("flowlens.test=") +
             ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
  void TearDown() override {
    if (instance_) {
      instance_->stop();
      instance_->destroy();
    }
    if (g_dockerd) {
      g_dockerd->try_docker("ps -aq --filter label=" + label_ + " | xargs -r docker -H " +
                            g_dockerd->host() + " rm -f");
    }
  }

  TestDockerd& dockerd() { return *g_dockerd; }
  // `docker run -d` with this test's label; returns the container id.
  std::string run(const std::string& args, const std::string& command = "sleep 1000") {
    return dockerd().docker("run -d -l " + label_ + " " + args + " " + TestDockerd::kImage + " " +
                            command);
  }

  // Starts the plugin selecting this test's containers (plus `config`).
  void start_plugin(boost::json::object config) {
    config["docker_host"] = dockerd().host();
    auto labels =
        config["labels"].is_object() ? config["labels"].as_object() : boost::json::object{};
    const size_t eq = label_.find('=');
    labels[label_.substr(0, eq)] = label_.substr(eq + 1);
    config["labels"] = labels;
    if (!config.contains("grace_period")) config["grace_period"] = 0;
    instance_ = std::make_unique<plugin_host::PluginInstance>(
        "docker",
        plugin_host::load_plugin(::flowlens::testing::binary_dir() + "/plugins",
                                 "discovery-docker"),
        services_);
    instance_->create(boost::json::serialize(config));
    instance_->start();
  }
  void wait_connected() {
    ASSERT_TRUE(services_.wait_logs(plugin_host::LogLevel::kInfo, "connected to docker", 1,
                                    kReconnectWithin))
        << services_.all_logs();
  }

  using Eps = std::vector<model::Endpoint>;
  static constexpr uint8_t kTcp = 6;
  static constexpr uint8_t kUdp = 17;

  RecordingServices services_;
  std::unique_ptr<plugin_host::PluginInstance> instance_;
  std::string label_;
};

TEST_F(DockerdTest, LabelsSelectContainersAndPublishedPortsBecomeEndpoints) {
  run("--name sel-cs -l game=cs -p 27015:27015/udp -p 27016:27016/tcp");
  run("--name sel-other -l game=other -p 27017:27017/udp");
  run("--name sel-nolabel -p 27018:27018/udp");
  start_plugin({{"labels", {{"game", "cs"}}}, {"server_id_source", "name"}});
  ASSERT_TRUE(services_.wait_present("sel-cs", 10s)) << services_.all_logs();
  auto servers = services_.servers();
  EXPECT_EQ(servers.size(), 1u) << "containers without the label are not watched";
  // Bound on 0.0.0.0 and :: by Docker, yet one endpoint per port and protocol.
  EXPECT_EQ(servers.at("sel-cs").endpoints, (Eps{{27015, kUdp}, {27016, kTcp}}));
  EXPECT_EQ(servers.at("sel-cs").labels.at("game"), "cs");
  EXPECT_EQ(servers.at("sel-cs").name, "sel-cs");
}

TEST_F(DockerdTest, EveryServerIdSourceAndTheEnvPort) {
  const std::string id =
      run("--name ids-c --hostname ids-host -l sid=from-label -e SID=from-env "
          "-e GAME_PORT=7777/udp -p 7777:7777/udp -p 7778:7778/tcp");
  const std::pair<const char*, std::string> cases[] = {{"hostname", "ids-host"},
                                                       {"id", id},
                                                       {"name", "ids-c"},
                                                       {"label:sid", "from-label"},
                                                       {"env:SID", "from-env"}};
  for (const auto& [source, expected] : cases) {
    start_plugin({{"server_id_source", source}, {"port_env_var", "GAME_PORT"}});
    ASSERT_TRUE(services_.wait_present(expected, 10s)) << source << "\n" << services_.all_logs();
    EXPECT_EQ(services_.servers().at(expected).endpoints, (Eps{{7777, kUdp}}))
        << "port_env_var names the game port; it says udp";
    instance_->stop();
    instance_->destroy();
    instance_.reset();
    EXPECT_TRUE(services_.servers().empty()) << "stop withdraws what the instance published";
  }
}

TEST_F(DockerdTest, HostNetworkContainerNamesItsPortsWithALabel) {
  run("--name hostnet --network host -l flowlens.ports=27020/udp,27021/tcp");
  run("--name hostnet-noport --network host");
  start_plugin({{"server_id_source", "name"}});
  ASSERT_TRUE(services_.wait_present("hostnet", 10s)) << services_.all_logs();
  EXPECT_EQ(services_.servers().at("hostnet").endpoints, (Eps{{27020, kUdp}, {27021, kTcp}}));
  EXPECT_FALSE(services_.servers().contains("hostnet-noport"));
  EXPECT_EQ(services_.count_logs(plugin_host::LogLevel::kWarn, "hostnet-noport"), 1)
      << "a matching container with no port is named in the log once\n"
      << services_.all_logs();
}

TEST_F(DockerdTest, StartStopKillRenamePauseShowWithinASecond) {
  start_plugin({{"server_id_source", "name"}});
  wait_connected();
  run("--name life -p 25565:25565/tcp");
  EXPECT_TRUE(services_.wait_present("life", kWithin)) << "run";

  dockerd().docker("pause life");
  EXPECT_TRUE(services_.wait_for(
      [](auto& s) {
        return s.contains("life") && s.at("life").labels.at("docker.state") == "paused";
      },
      kWithin))
      << "pause";
  dockerd().docker("unpause life");
  EXPECT_TRUE(services_.wait_for(
      [](auto& s) {
        return s.contains("life") && s.at("life").labels.at("docker.state") == "running";
      },
      kWithin))
      << "unpause";

  dockerd().docker("rename life life2");
  EXPECT_TRUE(services_.wait_for([](auto& s) { return s.contains("life2") && !s.contains("life"); },
                                 kWithin))
      << "rename";

  dockerd().docker("stop -t 1 life2");  // busybox sleep as pid 1 ignores SIGTERM: killed after 1 s
  EXPECT_TRUE(services_.wait_absent("life2", kWithin)) << "stop";
  dockerd().docker("start life2");
  EXPECT_TRUE(services_.wait_present("life2", kWithin)) << "start";
  dockerd().docker("kill life2");
  EXPECT_TRUE(services_.wait_absent("life2", kWithin)) << "kill (only die, no stop event)";
}

TEST_F(DockerdTest, ARestartWithinTheGracePeriodIsNotADeparture) {
  start_plugin({{"server_id_source", "name"}, {"grace_period", 3}});
  wait_connected();
  run("--name grace -p 26000:26000/udp");
  ASSERT_TRUE(services_.wait_present("grace", kWithin));
  dockerd().docker("restart -t 0 grace");
  dockerd().docker("rm -f grace");
  run("--name grace -p 26000:26000/udp");  // recreated under the same server id
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(services_.servers().contains("grace"));
  EXPECT_TRUE(services_.removed().empty()) << "the server never left the registry";

  const auto removed_at = std::chrono::steady_clock::now();
  dockerd().docker("rm -f grace");
  std::this_thread::sleep_for(1s);
  EXPECT_TRUE(services_.servers().contains("grace")) << "still within the grace period";
  EXPECT_TRUE(services_.wait_absent("grace", 4s)) << "gone once the grace period ends";
  EXPECT_GE(std::chrono::steady_clock::now() - removed_at, 2500ms);
}

TEST_F(DockerdTest, DockerdRestartKeepsServersThenResyncs) {
  // dockerd stops its containers when it stops (they die): the grace period keeps their servers.
  start_plugin({{"server_id_source", "name"}, {"grace_period", 8}});
  wait_connected();
  run("--name keeps --restart always --stop-timeout 1 -p 26100:26100/udp");
  run("--name goes --stop-timeout 1 -p 26101:26101/udp");
  ASSERT_TRUE(services_.wait_present("keeps", kWithin));
  ASSERT_TRUE(services_.wait_present("goes", kWithin));

  dockerd().stop_daemon();
  std::this_thread::sleep_for(1500ms);  // several reconnect attempts fail meanwhile
  EXPECT_EQ(services_.servers().size(), 2u) << "the last known servers stay while docker is away";
  EXPECT_EQ(services_.count_logs(plugin_host::LogLevel::kWarn, "lost docker"), 1)
      << "logged once, not once per retry\n"
      << services_.all_logs();
  const auto down = services_.statuses();
  ASSERT_FALSE(down.empty());
  EXPECT_EQ(down.back().rfind("degraded: docker unreachable at unix://", 0), 0u)
      << "/health says why the servers are stale: " << down.back();

  dockerd().start_daemon();
  // After its restart dockerd runs only the container with a restart policy. The full list on
  // reconnect (Docker keeps no event history) sees it back within the grace period, and sees the
  // other one gone: that one leaves when its grace period ends.
  EXPECT_TRUE(
      services_.wait_logs(plugin_host::LogLevel::kInfo, "connected to docker", 2, kReconnectWithin))
      << services_.all_logs();
  EXPECT_TRUE(services_.wait_absent("goes", kReconnectWithin)) << services_.all_logs();
  EXPECT_EQ(services_.statuses().back().rfind("ok: connected to docker", 0), 0u)
      << services_.statuses().back();
  EXPECT_TRUE(services_.servers().contains("keeps"));
  const auto removed = services_.removed();
  EXPECT_EQ(std::count(removed.begin(), removed.end(), "keeps"), 0)
      << "a container that came back within the grace period never left the registry";
  run("--name after -p 26102:26102/udp");
  EXPECT_TRUE(services_.wait_present("after", kWithin)) << "the event stream is open again";
}

TEST_F(DockerdTest, TwoContainersOnOneServerIdAreAWarningNamingBoth) {
  run("--name dup-a -l sid=shared -p 26200:26200/udp");
  run("--name dup-b -l sid=shared -p 26201:26201/udp");
  start_plugin({{"server_id_source", "label:sid"}});
  ASSERT_TRUE(services_.wait_present("shared", 10s)) << services_.all_logs();
  EXPECT_EQ(services_.count_logs(plugin_host::LogLevel::kWarn, "dup-a"), 1) << services_.all_logs();
  EXPECT_EQ(services_.count_logs(plugin_host::LogLevel::kWarn, "dup-b"), 1) << services_.all_logs();
}

TEST_F(DockerdTest, WingsServerContainerIsWatchedAndItsInstallerIsNot) {
  const std::string uuid = "7c1f2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b";
  // What Wings creates: uuid as name and hostname, the primary allocation in SERVER_PORT, every
  // allocation published for TCP and UDP on the allocation's address.
  run("--name " + uuid + " --hostname " + uuid +
      " -l Service=Pterodactyl -l ContainerType=server_process -e SERVER_PORT=25600"
      " -e P_SERVER_UUID=" +
      uuid +
      " -p 127.0.0.1:25600:25600/tcp -p 127.0.0.1:25600:25600/udp"
      " -p 127.0.0.1:25601:25601/tcp -p 127.0.0.1:25601:25601/udp");
  run("--name " + uuid +
      "_installer --hostname installer -l Service=Pterodactyl"
      " -l ContainerType=server_installer -e SERVER_PORT=25600");
  start_plugin({{"labels", {{"Service", "Pterodactyl"}, {"ContainerType", "server_process"}}}});
  ASSERT_TRUE(services_.wait_present(uuid, 10s)) << services_.all_logs();
  auto servers = services_.servers();
  EXPECT_EQ(servers.size(), 1u) << "the installer is not watched";
  EXPECT_EQ(servers.at(uuid).endpoints,
            (Eps{{25600, kTcp}, {25600, kUdp}, {25601, kTcp}, {25601, kUdp}}));
}

}  // namespace
}  // namespace flowlens::discovery_docker
