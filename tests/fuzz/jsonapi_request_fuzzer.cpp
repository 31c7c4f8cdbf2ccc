// SPDX-License-Identifier: BSD-2-Clause
// A request to the JSON API as the server reads it: bytes -> Beast's request parser with the
// server's header and body limits -> the router, over a snapshot of a few servers (ids with
// spaces, '/', '%', quotes and non-ASCII) with bearer auth on. Every answer is a known status, and
// every body that says application/json (not gzip, not HEAD) parses as JSON; nothing throws.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "fuzz_check.h"
#include "sink-jsonapi/config.h"
#include "sink-jsonapi/render.h"
#include "sink-jsonapi/router.h"

namespace {

using namespace flowlens;
namespace bhttp = boost::beast::http;

constexpr int64_t kTick = 1'795'000'000'000;

const jsonapi::Config& config() {
  static const jsonapi::Config c = jsonapi::parse_config(R"({"api_key": "s3cret"})");
  return c;
}

const jsonapi::State& state() {
  static const jsonapi::State s = [] {
    jsonapi::Snapshot snap;
    snap.timestamp_unix_ms = kTick;
    for (const char* id : {"mc", "cs 2", "a/b", "50%", "quo\"te", "caf\xc3\xa9"}) {
      jsonapi::ServerEstimate& e = snap.servers.emplace_back();
      e.server_id = id;
      e.name = std::string("name of ") + id;
      e.known = id[0] != 'q';
      e.unknown_reason = e.known ? "" : "just discovered";
      e.active_players = 3;
      e.unique_ips = {"198.51.100.7", "2001:db8::1"};
      e.labels = {{"game", id}};
    }
    jsonapi::State st;
    st.snapshot = std::make_shared<jsonapi::RenderedSnapshot>(snap, true, true);
    st.host = jsonapi::parse_host_status(R"({"bpf_attached": true, "servers": 6})");
    return st;
  }();
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const http::Limits limits = config().server.limits;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = 0;
  while (used < size && !parser.is_done()) {
    const size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec == bhttp::error::need_more) break;
    if (ec) return 0;  // the session answers 400/413/431 and closes
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_done()) return 0;
  const jsonapi::RouteInputs in{.config = config(),
                                .state = state(),
                                .snapshot_age = std::chrono::milliseconds(1500),
                                .plugin_uptime = std::chrono::seconds(42),
                                .plugin_version = "9.9.9",
                                .connections = {2, 512, 9}};
  const jsonapi::Response res = jsonapi::route(parser.get(), in);
  const unsigned status = res.result_int();
  if (status < 200 || status > 599 || bhttp::obsolete_reason(res.result()) == "<unknown-status>")
    fuzz::fail("status " + std::to_string(status));
  const std::string type(res[bhttp::field::content_type]);
  // HEAD answers carry the GET answer's headers and no body.
  if (type.starts_with("application/json") && res[bhttp::field::content_encoding].empty() &&
      parser.get().method() != bhttp::verb::head) {
    const std::string body(res.body().text);
    boost::system::error_code jec;
    (void)boost::json::parse(body, jec);
    if (jec) fuzz::fail("a JSON answer that is not JSON: " + body.substr(0, 200));
  }
  return 0;
}
