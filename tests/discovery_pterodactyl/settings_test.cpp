// SPDX-License-Identifier: BSD-2-Clause
// The config section: defaults, every key, and errors that name the key; the API key read from
// its source without ever appearing in a message; error answers described for the log.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "error_answer.h"
#include "fixture.h"
#include "settings.h"

namespace flowlens::discovery_pterodactyl {
namespace {

using namespace std::chrono_literals;

Settings parse(const std::string& json_text) {
  const boost::json::value v = boost::json::parse(json_text);
  return parse_settings(sdk::Config(v.get_object()));
}

TEST(Settings, DefaultsAreSafe) {
  const Settings s = parse(R"({"url":"https://panel.example.com/","api_key_file":"/k"})");
  EXPECT_EQ(s.url, "https://panel.example.com");
  EXPECT_FALSE(s.allow_http);
  EXPECT_TRUE(s.tls_verify);
  EXPECT_EQ(s.key.file, "/k");
  EXPECT_EQ(parse(R"({"url":"https://p"})").key.file, "/etc/flowlens/pterodactyl.key")
      << "no key source: the documented file";
  EXPECT_FALSE(s.node_id.has_value());
  EXPECT_EQ(s.wings_configs, kDefaultWingsConfigs);
  EXPECT_EQ(s.mapping.id_source, IdSource::kUuid);
  EXPECT_TRUE(s.mapping.tcp && s.mapping.udp);
  EXPECT_FALSE(s.interval.has_value()) << "the host's discovery_interval unless set";
  EXPECT_EQ(s.connect_timeout, kDefaultConnectTimeout);
  EXPECT_EQ(s.request_timeout, kDefaultRequestTimeout);
  EXPECT_EQ(s.max_response_bytes, kDefaultMaxResponseBytes);
}

TEST(Settings, EveryKey) {
  const Settings s = parse(R"({"url":"http://127.0.0.1:8080","allow_http":true,
      "api_key_env":"PANEL_KEY","node_id":4,"wings_config":"/srv/wings.yml",
      "server_id_source":"external_id","protocols":"udp","interval":"15s",
      "connect_timeout":2,"request_timeout":"45s","max_response_bytes":1048576,"max_pages":20,
      "tls_verify":false,"ca_file":"/etc/ssl/panel.pem"})");
  EXPECT_EQ(s.url, "http://127.0.0.1:8080");
  EXPECT_EQ(s.key.env, "PANEL_KEY");
  EXPECT_EQ(s.node_id, 4);
  EXPECT_EQ(s.wings_configs, std::vector<std::string>{"/srv/wings.yml"});
  EXPECT_EQ(s.mapping.id_source, IdSource::kExternalId);
  EXPECT_FALSE(s.mapping.tcp);
  EXPECT_TRUE(s.mapping.udp);
  EXPECT_EQ(s.interval, 15s);
  EXPECT_EQ(s.connect_timeout, 2s);
  EXPECT_EQ(s.request_timeout, 45s);
  EXPECT_EQ(s.max_response_bytes, 1048576);
  EXPECT_EQ(s.max_pages, 20);
  EXPECT_FALSE(s.tls_verify);
  EXPECT_EQ(s.ca_file, "/etc/ssl/panel.pem");
  EXPECT_FALSE(s.webhook.has_value()) << "no listener unless configured";

  const Settings w = parse(R"({"url":"https://p","api_key_file":"/k",
      "webhook":{"listen":"127.0.0.1:9400","secret_file":"/s","secret_header":"X-Hook"}})");
  ASSERT_TRUE(w.webhook.has_value());
  EXPECT_EQ(w.webhook->server.listen.at(0).text, "127.0.0.1:9400");
  EXPECT_EQ(w.webhook->secret.file, "/s");
  EXPECT_EQ(w.webhook->secret_header, "X-Hook");
  EXPECT_EQ(w.webhook->path, "/pelican");
  EXPECT_EQ(w.webhook->server.limits.max_body_bytes, 64u << 10) << "room for a server model";
}

TEST(Settings, ErrorsNameTheKey) {
  struct Row {
    const char* json;
    const char* message;
  };
  const Row rows[] = {
      {R"({"api_key_file":"/k"})", "url: missing (required)"},
      {R"({"url":"panel.example.com","api_key_file":"/k"})", "url: expected the panel's address"},
      {R"({"url":"http://panel.example.com","api_key_file":"/k"})",
       "url: plain http:// sends the API key in clear"},
      {R"({"url":"https://panel.example.com/api/application","api_key_file":"/k"})",
       "url: expected the panel's base address without /api/"},
      {R"({"url":"https://p","api_key":"a","api_key_file":"/k"})",
       "api_key: give only one of api_key, api_key_file, api_key_env"},
      {R"({"url":"https://p","api_key_file":"/k","server_id_source":"hostname"})",
       "server_id_source: expected one of uuid, identifier, name, external_id, got 'hostname'"},
      {R"({"url":"https://p","api_key_file":"/k","protocols":["udp","sctp"]})",
       "protocols[1]: expected tcp or udp, got 'sctp'"},
      {R"({"url":"https://p","api_key_file":"/k","node_id":0})",
       "node_id: expected an integer from 1"},
      {R"({"url":"https://p","api_key_file":"/k","interval":"10ms"})",
       "interval: expected a duration from 100ms to 24h"},
      {R"({"url":"https://p","api_key_file":"/k","webhook":{"listen":"127.0.0.1:9311"}})",
       "webhook: expected exactly one of secret_file, secret_env, secret"},
      {R"({"url":"https://p","api_key_file":"/k","webhook":{"secret_env":"S","listen":"x"}})",
       "webhook.listen: "},
      {R"({"url":"https://p","api_key_file":"/k","webhook":{"secret_env":"S","path":"hook"}})",
       "webhook.path: expected a path starting with '/'"},
      {R"({"url":"https://p","api_key_file":"/k","nodes":[1]})",
       "nodes: unknown key (expected one of: url,"},
  };
  for (const Row& row : rows) {
    try {
      parse(row.json);
      ADD_FAILURE() << row.json << ": accepted";
    } catch (const sdk::ConfigError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(row.message, 0), 0u)
          << row.json << "\n got: " << e.what() << "\n want: " << row.message << "...";
    }
  }
}

TEST(ErrorAnswer, ThePanelsErrorOrTheStatus) {
  EXPECT_EQ(describe_error_answer(401, test::fixture("error_401.json")),
            "HTTP 401: Unauthenticated. (AuthenticationException)");
  EXPECT_EQ(describe_error_answer(502, "<html><body>Bad Gateway</body></html>"), "HTTP 502");
  EXPECT_EQ(
      describe_error_answer(500, R"({"errors":[{"detail":")" + std::string(5000, 'x') + R"("}]})")
          .size(),
      std::string("HTTP 500: ").size() + 200 + 3);
}

}  // namespace
}  // namespace flowlens::discovery_pterodactyl
