// SPDX-License-Identifier: BSD-2-Clause
#include "http_client.h"

#include <curl/curl.h>

#include <cctype>
#include <charconv>
#include <memory>
#include <mutex>
#include <string_view>

namespace flowlens::discovery_pterodactyl {

namespace {

// Retry-After beyond this is not honoured as given (the caller caps it anyway).
constexpr int64_t kMaxRetryAfterSeconds = 24 * 3600;

struct Transfer {
  HttpResponse response;
  int64_t max_bytes = 0;
  bool too_large = false;
  const std::atomic<bool>* stop = nullptr;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->response.body.size() + n > static_cast<size_t>(t->max_bytes)) {
    t->too_large = true;
    return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, n);
  return n;
}

std::optional<int64_t> number(std::string_view v) {
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
  while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
  int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < 0) return std::nullopt;
  return n;
}

bool header_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  return true;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  auto value = [&](std::string_view name) { return line.substr(name.size() + 1); };
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after a 100 Continue, say): forget the previous one's headers.
    t->response.rate_limit.reset();
    t->response.rate_remaining.reset();
    t->response.retry_after.reset();
  } else if (header_is(line, "x-ratelimit-limit")) {
    t->response.rate_limit = number(value("x-ratelimit-limit"));
  } else if (header_is(line, "x-ratelimit-remaining")) {
    t->response.rate_remaining = number(value("x-ratelimit-remaining"));
  } else if (header_is(line, "retry-after")) {
    // The HTTP-date form is not used by Laravel's throttle; it reads as absent.
    if (auto s = number(value("retry-after")); s && *s <= kMaxRetryAfterSeconds)
      t->response.retry_after = std::chrono::seconds(*s);
  }
  return size * count;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Transfer*>(user)->stop->load() ? 1 : 0;  // nonzero aborts the transfer
}

std::string kind_of(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return "connect";
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
      return "tls";
    default:
      return "transfer";
  }
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

HttpClient::HttpClient(HttpOptions options, const std::atomic<bool>& stop)
    : options_(std::move(options)), stop_(stop) {
  global_init();
  curl_ = curl_easy_init();
  if (curl_ == nullptr) throw HttpError("transfer", "libcurl: cannot create a handle");
}

HttpClient::~HttpClient() {
  curl_easy_cleanup(static_cast<CURL*>(curl_));
}

HttpResponse HttpClient::get(const std::string& url, const std::vector<std::string>& headers) {
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);  // keeps the connection cache, drops every option of the previous call
  Transfer t;
  t.max_bytes = options_.max_response_bytes;
  t.stop = &stop_;

  curl_slist* list = nullptr;
  for (const std::string& h : headers) {
    curl_slist* next = curl_slist_append(list, h.c_str());
    if (next == nullptr) {
      curl_slist_free_all(list);
      throw std::bad_alloc();
    }
    list = next;
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hold(list, &curl_slist_free_all);

  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // a daemon thread: no SIGALRM for DNS timeouts
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, options_.allow_http ? "http,https" : "https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect is reported, never followed
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options_.max_response_bytes));
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");  // whatever libcurl can decode
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options_.tls_verify ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options_.tls_verify ? 2L : 0L);
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "flowlens-discovery-pterodactyl");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);

  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    if (stop_.load()) throw HttpError("stopped", "stopped");
    if (t.too_large || code == CURLE_FILESIZE_EXCEEDED)
      throw HttpError("too_large", "answer larger than max_response_bytes (" +
                                       std::to_string(options_.max_response_bytes) + " bytes)");
    std::string what = error[0] ? error : curl_easy_strerror(code);
    if (code == CURLE_OPERATION_TIMEDOUT)
      what += " (connect_timeout " + std::to_string(options_.connect_timeout.count()) +
              " ms, request_timeout " + std::to_string(options_.request_timeout.count()) + " ms)";
    throw HttpError(kind_of(code), what);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.response.status);
  return std::move(t.response);
}

}  // namespace flowlens::discovery_pterodactyl
