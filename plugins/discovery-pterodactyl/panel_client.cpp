// SPDX-License-Identifier: BSD-2-Clause
#include "panel_client.h"

#include <algorithm>
#include <set>

#include "error_answer.h"
#include "page_parser.h"

namespace flowlens::discovery_pterodactyl {

namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

// Attempts at one request while the panel answers 429; then the sync fails and the last good
// list stays until the next interval.
constexpr int kMaxRateLimitedAttempts = 4;
// A Retry-After longer than this is waited only this long before the next try.
constexpr milliseconds kMaxRetryAfter = 120s;
// Retry-After absent on a 429: the panel's throttle window is a minute.
constexpr milliseconds kDefaultRetryAfter = 60s;
// Random extra wait after Retry-After, so hosts sharing a user's budget do not retry together.
constexpr int kMaxJitterMs = 1000;
// When this few requests are left in the window, pages are spread over it instead of spending
// the budget other hosts using the same admin user need.
constexpr int64_t kRateLimitReserve = 10;
constexpr milliseconds kRateLimitWindow = 60s;

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

template <class Page, class Fn>
Page parsed(const std::string& body, const std::string& what, Fn&& parse) {
  try {
    return parse(body);
  } catch (const AllocationsDeniedError& e) {
    throw SyncError("allocations_denied", what + ": " + e.what());
  } catch (const PanelFormatError& e) {
    throw SyncError("format", what + ": not the documented answer: " + e.what());
  }
}

}  // namespace

PanelClient::PanelClient(std::string base_url, std::string api_key, int64_t max_pages,
                         HttpClient& http, Waiter wait)
    : base_url_(std::move(base_url)),
      authorization_("Authorization: Bearer " + api_key),
      max_pages_(max_pages),
      http_(http),
      wait_(std::move(wait)),
      jitter_(std::random_device{}()) {}

void PanelClient::pace(const HttpResponse& r) {
  if (!r.rate_remaining || *r.rate_remaining > kRateLimitReserve) return;
  const int64_t limit = std::max<int64_t>(r.rate_limit.value_or(240), 1);
  if (!wait_(kRateLimitWindow / limit)) throw SyncError("stopped", "stopped");
}

std::string PanelClient::get(const std::string& path_and_query, ListStats* stats) {
  const std::string url = base_url_ + path_and_query;
  const std::vector<std::string> headers = {"Accept: application/json", authorization_};
  for (int attempt = 1;; ++attempt) {
    HttpResponse r;
    try {
      r = http_.get(url, headers);
    } catch (const HttpError& e) {
      throw SyncError(e.kind(), "GET " + path_and_query + ": " + e.what());
    }
    if (stats) ++stats->requests;
    if (r.status == 429 && attempt < kMaxRateLimitedAttempts) {
      const milliseconds after = std::min<milliseconds>(
          r.retry_after ? milliseconds(*r.retry_after) : kDefaultRetryAfter, kMaxRetryAfter);
      const milliseconds jitter(std::uniform_int_distribution<int>(0, kMaxJitterMs)(jitter_));
      if (!wait_(after + jitter)) throw SyncError("stopped", "stopped");
      continue;
    }
    if (r.status != 200) {
      std::string message =
          "GET " + path_and_query + ": " + describe_error_answer(r.status, r.body);
      if (const std::string hint = status_hint(r.status); !hint.empty()) message += " - " + hint;
      throw SyncError("http_" + std::to_string(r.status), message);
    }
    pace(r);
    return std::move(r.body);
  }
}

std::vector<PanelServer> PanelClient::list_servers(ListStats* stats) {
  std::vector<PanelServer> all;
  std::set<int64_t> seen;
  int64_t total_pages = 1;
  for (int64_t page = 1; page <= total_pages; ++page) {
    const std::string path =
        "/api/application/servers?include=allocations&per_page=" + std::to_string(kPerPage) +
        "&page=" + std::to_string(page);
    ServerPage p = parsed<ServerPage>(get(path, stats), "GET " + path,
                                      [](const std::string& b) { return parse_server_page(b); });
    if (p.pagination.current_page != page)
      throw SyncError("format", "GET " + path + ": meta.pagination.current_page is " +
                                    std::to_string(p.pagination.current_page));
    if (page == 1) {
      total_pages = p.pagination.total_pages;
      if (total_pages > max_pages_)
        throw SyncError("too_many_pages", "the panel lists " + std::to_string(total_pages) +
                                              " pages of servers, more than max_pages (" +
                                              std::to_string(max_pages_) + ")");
    } else if (p.pagination.total_pages != total_pages) {
      // Servers were added or removed while paging: this list could miss or repeat some.
      throw SyncError("changed_while_listing",
                      "the panel's server list changed while it was read (total_pages " +
                          std::to_string(total_pages) + " then " +
                          std::to_string(p.pagination.total_pages) + "); read again next time");
    }
    if (stats) ++stats->pages;
    // A server created or deleted while paging shifts the pages by one: one may then show on
    // two pages. The panel id says it is the same server.
    for (PanelServer& s : p.servers)
      if (seen.insert(s.id).second) all.push_back(std::move(s));
  }
  return all;
}

std::optional<PanelServer> PanelClient::server_by_uuid(const std::string& uuid) {
  const std::string path =
      "/api/application/servers?include=allocations&filter[uuid]=" + url_encode(uuid);
  ServerPage p = parsed<ServerPage>(get(path, nullptr), "GET " + path,
                                    [](const std::string& b) { return parse_server_page(b); });
  for (PanelServer& s : p.servers)
    if (s.uuid == uuid) return std::move(s);
  return std::nullopt;
}

std::optional<PanelNode> PanelClient::node_by_uuid(const std::string& uuid) {
  const std::string path = "/api/application/nodes?filter[uuid]=" + url_encode(uuid);
  NodePage p = parsed<NodePage>(get(path, nullptr), "GET " + path,
                                [](const std::string& b) { return parse_node_page(b); });
  // Filters are exact in the panel, but an older one may ignore them: check the uuid.
  for (PanelNode& n : p.nodes)
    if (n.uuid == uuid) return std::move(n);
  return std::nullopt;
}

std::vector<PanelNode> PanelClient::list_nodes() {
  std::vector<PanelNode> all;
  int64_t total_pages = 1;
  for (int64_t page = 1; page <= total_pages && page <= max_pages_; ++page) {
    const std::string path = "/api/application/nodes?per_page=" + std::to_string(kPerPage) +
                             "&page=" + std::to_string(page);
    NodePage p = parsed<NodePage>(get(path, nullptr), "GET " + path,
                                  [](const std::string& b) { return parse_node_page(b); });
    if (page == 1) total_pages = p.pagination.total_pages;
    for (PanelNode& n : p.nodes) all.push_back(std::move(n));
  }
  return all;
}

}  // namespace flowlens::discovery_pterodactyl
