// SPDX-License-Identifier: BSD-2-Clause
// discovery-pterodactyl.so loaded the way the daemon loads it, against fake_panel.py on
// loopback (the real panel cannot be installed here): what it publishes is this node's servers
// from every page, and through every failure the panel can produce it keeps the last good list,
// logs each kind once, never logs the key, and stops promptly.
#include "free_port.h"
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "config/loaders.h"
#include "fake_panel_process.h"
#include "plugin_host/host_services.h"
#include "plugin_host/loader.h"
#include "plugin_host/plugin_error.h"
#include "plugin_host/plugin_instance.h"

namespace flowlens::discovery_pterodactyl {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::FakePanel;

// Generous: the suite also runs under ASan+UBSan on two shared cores.
constexpr auto kPatience = 20s;

class RecordingServices : public plugin_host::HostServices {
 public:
  void log(const std::string&, plugin_host::LogLevel level, std::string_view message) override {
    std::lock_guard lock(mu_);
    logs_.emplace_back(level, std::string(message));
    changed_.notify_all();
  }
  void add_servers(const std::string&, std::vector<model::Server>) override { ++other_calls; }
  void remove_servers(const std::string&, std::vector<std::string>) override { ++other_calls; }
  void replace_servers(const std::string&, std::vector<model::Server> servers) override {
    std::lock_guard lock(mu_);
    replaced_.push_back(std::move(servers));
    changed_.notify_all();
  }
  void emit_event(const std::string&, plugin_host::Event) override {}
  model::SnapshotPtr latest_snapshot() override { return nullptr; }
  std::chrono::milliseconds discovery_interval() const override { return interval; }

  // Waits (bounded) until `done` holds over the replace-all calls so far.
  bool wait_replaced(
      const std::function<bool(const std::vector<std::vector<model::Server>>&)>& done) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, kPatience, [&] { return done(replaced_); });
  }
  std::vector<std::vector<model::Server>> replaced() {
    std::lock_guard lock(mu_);
    return replaced_;
  }
  // Log lines (any level) containing `text`.
  size_t logged(const std::string& text) {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& [level, line] : logs_) n += line.find(text) != std::string::npos;
    return n;
  }
  bool wait_logged(const std::string& text, size_t times = 1) {
    const auto until = Clock::now() + kPatience;
    while (Clock::now() < until) {
      if (logged(text) >= times) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  std::string all_logs() {
    std::lock_guard lock(mu_);
    std::string out;
    for (const auto& [level, line] : logs_) out += line + "\n";
    return out;
  }

  std::chrono::milliseconds interval = 30s;
  std::atomic<int> other_calls = 0;

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::vector<model::Server>> replaced_;
  std::vector<std::pair<plugin_host::LogLevel, std::string>> logs_;
};

std::shared_ptr<const plugin_host::LoadedPlugin> load() {
  return plugin_host::load_plugin(std::string(FLOWLENS_TEST_BINARY_DIR) + "/plugins",
                                  "discovery-pterodactyl");
}

// The section a test starts from: the fake panel over plain http, its key from the config.
boost::json::object section(const FakePanel& panel) {
  return {{"url", panel.url()},  {"allow_http", true},      {"api_key", FakePanel::key()},
          {"interval", "200ms"}, {"request_timeout", "2s"}, {"connect_timeout", "1s"}};
}

// Waits until the panel has seen `n` more list requests than `before`.
bool wait_list_requests(const FakePanel& panel, size_t before, size_t n) {
  const auto until = Clock::now() + kPatience;
  while (Clock::now() < until) {
    if (panel.count("/api/application/servers") >= before + n) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

// Server numbers (fake_panel.py's i) on node 1 or 2 when servers i sit on nodes "1,1,2".
std::set<std::string> uuids_on_node(int node, int servers) {
  std::set<std::string> out;
  for (int i = 1; i <= servers; ++i)
    if ((i % 3 == 2 ? 2 : 1) == node) out.insert(test::fake_server_uuid(i));
  return out;
}

std::set<std::string> ids(const std::vector<model::Server>& servers) {
  std::set<std::string> out;
  for (const auto& s : servers) out.insert(s.id);
  return out;
}

TEST(DiscoveryPterodactylPlugin, ListsEveryPageAndPublishesThisNodesServers) {
  FakePanel panel({"--servers", "250", "--nodes", "1,1,2"});
  RecordingServices services;
  plugin_host::PluginInstance inst("panel", load(), services);
  boost::json::object config = section(panel);
  config["node_id"] = 1;
  inst.create(boost::json::serialize(config));
  EXPECT_EQ(panel.requests().size(), 0u) << "create must not touch the network";

  inst.start();
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return !r.empty(); })) << services.all_logs();
  const std::vector<model::Server> servers = services.replaced().front();
  EXPECT_EQ(ids(servers), uuids_on_node(1, 250)) << "servers of node 2 must not be watched";

  // Server 3 of the fake: ports 20009 (on two addresses) and 20010, both protocols.
  const auto three = std::find_if(servers.begin(), servers.end(), [](const model::Server& s) {
    return s.id == test::fake_server_uuid(3);
  });
  ASSERT_NE(three, servers.end());
  EXPECT_EQ(three->name, "game 3");
  EXPECT_EQ(three->endpoints,
            (std::vector<model::Endpoint>{{20009, 6}, {20009, 17}, {20010, 6}, {20010, 17}}));
  EXPECT_EQ(three->labels.at("egg"), "4");
  EXPECT_EQ(three->labels.at("nest"), "2");
  EXPECT_EQ(three->labels.at("name"), "game 3");

  // Pages 1-3 by total_pages, each with include and per_page (links.next has neither).
  std::set<std::string> pages;
  for (const auto& r : panel.requests()) {
    const auto& q = r.at("query").as_object();
    EXPECT_EQ(r.at("path").as_string(), "/api/application/servers");
    EXPECT_EQ(r.at("accept").as_string(), "application/json");
    EXPECT_EQ(r.at("authorization").as_string(), "Bearer " + FakePanel::key());
    ASSERT_TRUE(q.contains("include") && q.contains("per_page")) << boost::json::serialize(r);
    EXPECT_EQ(q.at("include").as_string(), "allocations");
    EXPECT_EQ(q.at("per_page").as_string(), "100");
    pages.insert(std::string(q.at("page").as_string()));
  }
  EXPECT_EQ(pages, (std::set<std::string>{"1", "2", "3"}));
  EXPECT_EQ(services.logged(FakePanel::key()), 0u) << "the key must never be logged";

  inst.stop();
  EXPECT_TRUE(services.replaced().back().empty()) << "a stopped instance withdraws its servers";
  inst.destroy();
}

TEST(DiscoveryPterodactylPlugin, FollowsThePanelAndPollsAtTheHostsInterval) {
  FakePanel panel({"--servers", "30"});
  RecordingServices services;
  services.interval = 300ms;  // core.discovery_interval, used when the section sets none
  plugin_host::PluginInstance inst("panel", load(), services);
  boost::json::object config = section(panel);
  config.erase("interval");
  config["node_id"] = 1;
  inst.create(boost::json::serialize(config));
  inst.start();
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return !r.empty(); }));
  EXPECT_EQ(ids(services.replaced().back()), uuids_on_node(1, 30));

  panel.set_servers(60);
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return r.size() >= 2; }))
      << "a server added on the panel must appear at the next interval";
  EXPECT_EQ(ids(services.replaced().back()), uuids_on_node(1, 60));

  const size_t before = panel.count("/api/application/servers");
  std::this_thread::sleep_for(1500ms);
  const size_t polls = panel.count("/api/application/servers") - before;
  EXPECT_GE(polls, 3u) << "the host's 300 ms interval";
  EXPECT_LE(polls, 8u) << "the host's 300 ms interval";
  EXPECT_EQ(services.replaced().size(), 2u) << "an unchanged list is not published again";
  inst.stop();
  inst.destroy();
}

TEST(DiscoveryPterodactylPlugin, NodeFromTheWingsConfigUuid) {
  FakePanel panel({"--servers", "40"});
  const std::string wings = ::testing::TempDir() + "/wings_config_" + std::to_string(getpid());
  std::ofstream(wings) << "debug: false\nuuid: 9f1b6c1e-1d2f-4c3b-8a9e-000000000002\n"
                          "token_id: x\ntoken: y\n";
  RecordingServices services;
  plugin_host::PluginInstance inst("panel", load(), services);
  boost::json::object config = section(panel);
  config["wings_config"] = wings;
  inst.create(boost::json::serialize(config));
  inst.start();
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return !r.empty(); })) << services.all_logs();
  EXPECT_EQ(ids(services.replaced().back()), uuids_on_node(2, 40));
  EXPECT_EQ(panel.count("/api/application/nodes"), 1u) << "the node is looked up once";
  inst.stop();
  inst.destroy();
  std::remove(wings.c_str());
}

TEST(DiscoveryPterodactylPlugin, NodeWhoseFqdnResolvesToThisHost) {
  FakePanel panel({"--servers", "40"});  // node 1's fqdn is localhost, node 2's 198.51.100.7
  RecordingServices services;
  plugin_host::PluginInstance inst("panel", load(), services);
  boost::json::object config = section(panel);
  config["wings_config"] = "/nonexistent/pterodactyl/config.yml";
  inst.create(boost::json::serialize(config));
  inst.start();
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return !r.empty(); })) << services.all_logs();
  EXPECT_EQ(ids(services.replaced().back()), uuids_on_node(1, 40));
  EXPECT_EQ(services.logged("this host is node 1 ('node-1'): its fqdn localhost resolves"), 1u)
      << services.all_logs();
  inst.stop();
  inst.destroy();
}

TEST(DiscoveryPterodactylPlugin, KeepsTheLastGoodListThroughEveryFailure) {
  FakePanel panel({"--servers", "250"});
  RecordingServices services;
  plugin_host::PluginInstance inst("panel", load(), services);
  boost::json::object config = section(panel);
  config["node_id"] = 1;
  config["request_timeout"] = "1s";
  config["max_response_bytes"] = 1 << 20;
  inst.create(boost::json::serialize(config));
  inst.start();
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return !r.empty(); })) << services.all_logs();
  const std::vector<model::Server> good = services.replaced().back();

  struct Failure {
    const char* mode;
    const char* logged;  // what the warning must say
  };
  const Failure failures[] = {
      {"unauthorized",
       "HTTP 401: Unauthenticated. (AuthenticationException) - the API key is "
       "not valid"},
      {"forbidden", "HTTP 403: This action is unauthorized. (AccessDeniedHttpException)"},
      {"server_error", "page=1: HTTP 500"},
      {"fail_page_2", "page=2: HTTP 500"},
      {"malformed", "not the documented answer: answer is not valid JSON"},
      {"truncated", "transfer closed with"},
      {"huge", "answer larger than max_response_bytes (1048576 bytes)"},
      {"wrong_shape", "not the documented answer: data: expected a list, got a map"},
      {"no_allocations", "the API key lacks read access to allocations"},
      {"slow", "request_timeout 1000 ms"},
  };
  for (const Failure& f : failures) {
    SCOPED_TRACE(f.mode);
    const size_t before = panel.count("/api/application/servers");
    panel.set_mode(f.mode, -1, 3.0);
    // Three failed syncs: the first logs, the others must not.
    ASSERT_TRUE(wait_list_requests(panel, before, 3));
    ASSERT_TRUE(services.wait_logged(f.logged)) << services.all_logs();
    EXPECT_EQ(services.logged(f.logged), 1u) << "once per kind of failure\n" << services.all_logs();
    EXPECT_EQ(services.logged("keeping the last good server list"), &f - failures + 1u);
    EXPECT_EQ(services.replaced().back(), good) << "the last good list must stay";

    panel.set_mode("ok");
    ASSERT_TRUE(
        services.wait_logged("the panel answers again: server list up to date", &f - failures + 1u))
        << services.all_logs();
  }
  EXPECT_EQ(services.replaced().size(), 1u) << "no failure may publish anything";

  // Still alive and following the panel after all that.
  panel.set_servers(100);
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return r.size() == 2; }));
  EXPECT_EQ(ids(services.replaced().back()), uuids_on_node(1, 100));
  EXPECT_EQ(services.logged(FakePanel::key()), 0u) << "the key must never be logged";
  inst.stop();
  inst.destroy();
}

TEST(DiscoveryPterodactylPlugin, WaitsRetryAfterOnTooManyRequests) {
  FakePanel panel({"--servers", "30"});
  RecordingServices services;
  plugin_host::PluginInstance inst("panel", load(), services);
  boost::json::object config = section(panel);
  config["node_id"] = 1;
  config["interval"] = "1h";  // only the first sync
  panel.set_mode("rate_limited", 2);
  inst.create(boost::json::serialize(config));
  inst.start();
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return !r.empty(); })) << services.all_logs();
  EXPECT_EQ(ids(services.replaced().back()), uuids_on_node(1, 30));

  const boost::json::array requests = panel.requests();
  ASSERT_EQ(requests.size(), 3u) << "two 429s, then the page";
  for (size_t i = 1; i < requests.size(); ++i) {
    const double gap =
        requests[i].at("time").to_number<double>() - requests[i - 1].at("time").to_number<double>();
    EXPECT_GE(gap, 1.0) << "Retry-After: 1 must be waited";
    EXPECT_LE(gap, 2.5) << "plus at most a second of jitter";
  }
  EXPECT_EQ(services.logged("HTTP 429"), 0u) << "a 429 that was waited out is no failure";
  inst.stop();
  inst.destroy();
}

TEST(DiscoveryPterodactylPlugin, SpreadsPagesWhenTheSharedRateLimitRunsLow) {
  // 600 a minute with 5 left (other hosts use the same admin user): a page every 100 ms.
  FakePanel panel({"--servers", "250", "--rate-limit", "600", "--rate-remaining", "5"});
  RecordingServices services;
  plugin_host::PluginInstance inst("panel", load(), services);
  boost::json::object config = section(panel);
  config["node_id"] = 1;
  config["interval"] = "1h";
  inst.create(boost::json::serialize(config));
  inst.start();
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return !r.empty(); })) << services.all_logs();
  EXPECT_EQ(ids(services.replaced().back()), uuids_on_node(1, 250));
  const boost::json::array requests = panel.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (size_t i = 1; i < requests.size(); ++i) {
    const double gap =
        requests[i].at("time").to_number<double>() - requests[i - 1].at("time").to_number<double>();
    EXPECT_GE(gap, 0.1) << "60 s / X-RateLimit-Limit between pages";
  }
  inst.stop();
  inst.destroy();
}

TEST(DiscoveryPterodactylPlugin, StopIsPromptDuringASlowAnswer) {
  FakePanel panel({"--servers", "30"});
  panel.set_mode("slow", -1, 30.0);
  RecordingServices services;
  plugin_host::PluginInstance inst("panel", load(), services);
  boost::json::object config = section(panel);
  config["node_id"] = 1;
  config["request_timeout"] = "60s";
  inst.create(boost::json::serialize(config));
  inst.start();
  ASSERT_TRUE(wait_list_requests(panel, 0, 1));
  std::this_thread::sleep_for(200ms);  // the request is now waiting on the panel
  const auto started = Clock::now();
  inst.stop();
  EXPECT_LT(Clock::now() - started, 2s) << "stop must not wait for the panel";
  EXPECT_TRUE(services.replaced().empty()) << "nothing was ever listed";
  inst.destroy();
}

TEST(DiscoveryPterodactylPlugin, StartFailsNamingAMissingKeySourceCreateChecksTheSection) {
  RecordingServices services;
  {
    plugin_host::PluginInstance inst("panel", load(), services);
    ::unsetenv("FLOWLENS_TEST_UNSET_PANEL_KEY");
    inst.create(
        R"({"url":"https://panel.example.com","api_key_env":"FLOWLENS_TEST_UNSET_PANEL_KEY"})");
    try {
      inst.start();
      FAIL() << "started without a key";
    } catch (const plugin_host::PluginError& e) {
      EXPECT_NE(std::string(e.what()).find(
                    "api_key_env: environment variable FLOWLENS_TEST_UNSET_PANEL_KEY is not set"),
                std::string::npos)
          << e.what();
    }
  }
  plugin_host::PluginInstance inst("panel", load(), services);
  try {
    inst.create(R"({"url":"http://panel.example.com","api_key":"k"})");
    FAIL() << "accepted http:// without allow_http";
  } catch (const plugin_host::PluginError& e) {
    EXPECT_NE(std::string(e.what()).find("url: plain http:// sends the API key in clear"),
              std::string::npos)
        << e.what();
  }
}

TEST(DiscoveryPterodactylPlugin, PelicanWebhookIsAHintToResyncThatServerAtOnce) {
  FakePanel panel({"--servers", "30"});
  ::setenv("FLOWLENS_TEST_HOOK_SECRET", "hook-s3cret", 1);
  RecordingServices services;
  plugin_host::PluginInstance inst("panel", load(), services);
  boost::json::object config = section(panel);
  config["node_id"] = 1;
  config["interval"] = "1h";  // every change below comes from a hint
  config["webhook"] = {{"listen", "127.0.0.1:" + flowlens::testing::free_port_text()},
                       {"secret_env", "FLOWLENS_TEST_HOOK_SECRET"}};
  inst.create(boost::json::serialize(config));
  inst.start();
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return !r.empty(); })) << services.all_logs();
  const std::string marker = "webhook hints accepted on ";
  ASSERT_EQ(services.logged(marker), 1u) << services.all_logs();
  std::string hook;
  {
    const std::string logs = services.all_logs();
    const size_t at = logs.find(marker) + marker.size();
    hook = logs.substr(at, logs.find('\n', at) - at);
  }
  const std::string secret = "X-Webhook-Secret: hook-s3cret";
  const std::string json = "Content-Type: application/json";
  auto server_event = [](int i, const char* event) {
    return boost::json::serialize(boost::json::object{
        {"id", i}, {"uuid", test::fake_server_uuid(i)}, {"node_id", 1}, {"event", event}});
  };

  // Refused before anything reaches the panel.
  const size_t before = panel.requests().size();
  EXPECT_EQ(test::http_post(hook, {json}, server_event(31, "created: Server")), 401);
  EXPECT_EQ(test::http_post(hook, {json, "X-Webhook-Secret: guess"}, server_event(31, "x")), 401);
  EXPECT_EQ(test::http_post(hook, {secret}, "", "GET"), 405);
  EXPECT_EQ(test::http_post(hook + "/x", {secret}, "{}"), 404);
  EXPECT_EQ(test::http_post(hook, {secret, json}, "{\"uuid\":"), 400);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(panel.requests().size(), before) << "a refused call must not touch the panel";

  // A created server: that one server is read (filter[uuid]) and published.
  panel.set_servers(31);  // server 31 sits on node 1
  EXPECT_EQ(test::http_post(hook, {secret, json}, server_event(31, "created: Server")), 202);
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return r.size() == 2; })) << services.all_logs();
  EXPECT_EQ(ids(services.replaced().back()), uuids_on_node(1, 31));
  const boost::json::array requests = panel.requests();
  const auto& last = requests.back().at("query").as_object();
  ASSERT_TRUE(last.contains("filter[uuid]"));
  EXPECT_EQ(last.at("filter[uuid]").as_string(), test::fake_server_uuid(31));

  // An allocation changed: its server is not named by uuid, so the whole list is read.
  panel.set_servers(33);  // 32 on node 2, 33 on node 1
  EXPECT_EQ(
      test::http_post(hook, {secret, json},
                      R"({"id":99,"server_id":33,"port":20100,"event":"updated: Allocation"})"),
      202);
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return r.size() == 3; })) << services.all_logs();
  EXPECT_EQ(ids(services.replaced().back()), uuids_on_node(1, 33));

  // A deleted server: the panel no longer has it, so it goes.
  panel.set_servers(30);
  EXPECT_EQ(test::http_post(hook, {secret, json}, server_event(31, "deleted: Server")), 202);
  ASSERT_TRUE(services.wait_replaced([](auto& r) { return r.size() == 4; })) << services.all_logs();
  std::set<std::string> expected = uuids_on_node(1, 33);
  expected.erase(test::fake_server_uuid(31));
  EXPECT_EQ(ids(services.replaced().back()), expected)
      << "only the hinted server changes; 33 stays until the next full list";
  EXPECT_EQ(services.logged("hook-s3cret"), 0u) << "the secret must never be logged";
  inst.stop();
  inst.destroy();
  EXPECT_NE(test::http_post(hook, {secret, json}, server_event(1, "updated: Server")), 202)
      << "the listener stops with the instance";
}

TEST(DiscoveryPterodactylPlugin, ShippedSectionIsValid) {
  const config::Config cfg =
      config::load_conf_dir(std::string(FLOWLENS_TEST_SOURCE_DIR) + "/conf.d");
  std::string section_json;
  for (const auto& p : cfg.plugins)
    if (p.plugin == "discovery-pterodactyl") section_json = p.config_json;
  ASSERT_FALSE(section_json.empty()) << "conf.d ships a discovery-pterodactyl instance";
  RecordingServices services;
  plugin_host::PluginInstance inst("panel", load(), services);
  EXPECT_NO_THROW(inst.create(section_json));
  inst.destroy();
}

}  // namespace
}  // namespace flowlens::discovery_pterodactyl
