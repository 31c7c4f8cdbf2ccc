// SPDX-License-Identifier: BSD-2-Clause
// A real Alertmanager (Debian's prometheus-alertmanager), started by the test on loopback with
// its own storage and clustering off: alerts from the built .so arrive, and a resolve ends them.
#include "child_process.h"
#include "plugin_harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <fstream>
#include <optional>
#include <thread>

namespace flowlens::webhook::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";

// A port the kernel just had free on 127.0.0.1 (Alertmanager cannot report the one it chose).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// GET on loopback; unset when there was no 200 answer.
std::optional<std::string> get(const std::string& url) {
  CURL* c = curl_easy_init();
  std::string body;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L);
  long status = 0;
  const bool ok = curl_easy_perform(c) == CURLE_OK &&
                  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
                  status == 200;
  curl_easy_cleanup(c);
  if (!ok) return std::nullopt;
  return body;
}

// The active alerts Alertmanager holds for server `server_id` of alert `busy`.
std::vector<json::object> active_alerts(int port, const std::string& server_id) {
  std::vector<json::object> out;
  auto body = get("http://127.0.0.1:" + std::to_string(port) + "/api/v2/alerts");
  if (!body) return out;
  const json::value doc = json::parse(*body);
  for (const json::value& a : doc.as_array()) {
    const json::object& labels = a.at("labels").as_object();
    if (labels.contains("alertname") && labels.at("alertname") == "busy" &&
        labels.contains("server_id") && labels.at("server_id") == json::value(server_id) &&
        a.at("status").at("state") == "active") {
      out.push_back(a.as_object());
    }
  }
  return out;
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

TEST(Alertmanager, AlertsArriveAndAResolveEndsThem) {
  ASSERT_TRUE(fs::exists(kAlertmanager))
      << kAlertmanager << " missing: run scripts/install-deps.sh --test (prometheus-alertmanager)";
  const fs::path dir =
      fs::temp_directory_path() / ("flowlens-webhook-am-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "data");
  std::ofstream(dir / "alertmanager.yml") << "route:\n  receiver: nowhere\n"
                                             "receivers:\n  - name: nowhere\n";
  const int port = free_port();
  ASSERT_GT(port, 0);
  auto alertmanager = std::make_unique<ChildProcess>(std::vector<std::string>{
      kAlertmanager, "--config.file=" + (dir / "alertmanager.yml").string(),
      "--storage.path=" + (dir / "data").string(),
      "--web.listen-address=127.0.0.1:" + std::to_string(port),
      "--cluster.listen-address=", "--log.level=warn"});
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  ASSERT_TRUE(eventually([&] { return get(base + "/-/ready").has_value(); }))
      << "Alertmanager did not become ready on " << base;

  const flowlens_plugin_descriptor* d = load_plugin();
  ASSERT_NE(d, nullptr) << dlerror();
  RecordingHost host;
  const std::string config = R"({"state_dir": ")" + dir.string() +
                             R"(", "group_wait": "0s", "rules": [
      {"name": "busy", "when": "players >= 5"}],
      "webhooks": [{"name": "am", "format": "alertmanager", "resend_interval": "1s", "url": ")" +
                             base + R"("}]})";
  Instance sink(d, host, config);
  ASSERT_EQ(sink.create_status(), FLOWLENS_OK) << sink.error();
  ASSERT_EQ(sink.start(), FLOWLENS_OK) << sink.error();

  sink.tick(ScriptedSnapshot({{"mc", 9}, {"cs", 2}}, {{"game", "minecraft"}}));
  ASSERT_TRUE(eventually([&] { return active_alerts(port, "mc").size() == 1; }))
      << "the firing alert never reached Alertmanager";
  const json::object alert = active_alerts(port, "mc").at(0);
  EXPECT_EQ(alert.at("labels").at("game"), "minecraft");
  EXPECT_EQ(alert.at("annotations").at("players"), "9");
  EXPECT_TRUE(active_alerts(port, "cs").empty()) << "cs never crossed";

  // endsAt is four resend periods (4 s) ahead: still active well past that proves the re-sends.
  std::this_thread::sleep_for(6s);
  EXPECT_EQ(active_alerts(port, "mc").size(), 1u) << "a firing alert must be re-sent, not expire";

  sink.tick(ScriptedSnapshot({{"mc", 1}, {"cs", 2}}, {{"game", "minecraft"}}));
  EXPECT_TRUE(eventually([&] { return active_alerts(port, "mc").empty(); }))
      << "the resolve (endsAt) did not end the alert in Alertmanager";
  sink.stop();
  alertmanager.reset();  // it writes its snapshots on the way out
  fs::remove_all(dir);
}

}  // namespace
}  // namespace flowlens::webhook::testing
