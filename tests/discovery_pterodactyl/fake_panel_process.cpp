// SPDX-License-Identifier: BSD-2-Clause
#include "fake_panel_process.h"

#include <curl/curl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace flowlens::discovery_pterodactyl::test {

namespace {

size_t append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

FakePanel::FakePanel(std::vector<std::string> args) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  const std::string script =
      std::string(FLOWLENS_TEST_SOURCE_DIR) + "/tests/discovery_pterodactyl/fake_panel.py";
  args.insert(args.begin(), {"python3", script, "--key", key()});
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    // A test that crashes must not leave the panel running (and holding ctest's pipes).
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp("python3", argv.data());
    _exit(127);
  }
  close(out[1]);
  // The child prints "listening PORT" once bound; a dead child closes the pipe (port stays 0).
  FILE* f = fdopen(out[0], "r");
  if (f == nullptr || fscanf(f, "listening %d", &port_) != 1 || port_ <= 0) {
    if (f) fclose(f);
    throw std::runtime_error("fake_panel.py did not start (is python3 installed?)");
  }
  fclose(f);
}

FakePanel::~FakePanel() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
}

std::string FakePanel::call(const std::string& method, const std::string& path,
                            const std::string& body) const {
  CURL* c = curl_easy_init();
  std::string answer;
  const std::string u = url() + path;
  curl_easy_setopt(c, CURLOPT_URL, u.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10'000L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  if (method == "POST") curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  const CURLcode code = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(c);
  if (code != CURLE_OK || status != 200)
    throw std::runtime_error("fake panel " + path + ": " + curl_easy_strerror(code));
  return answer;
}

void FakePanel::set_mode(const std::string& mode, int count, double delay_seconds) {
  boost::json::object o{{"mode", mode}, {"delay", delay_seconds}};
  if (count >= 0) o["count"] = count;
  call("POST", "/_fake/mode", boost::json::serialize(o));
}

void FakePanel::set_servers(int count) {
  call("POST", "/_fake/servers", boost::json::serialize(boost::json::object{{"count", count}}));
}

boost::json::array FakePanel::requests() const {
  return boost::json::parse(call("GET", "/_fake/stats", "")).at("requests").as_array();
}

size_t FakePanel::count(const std::string& path) const {
  size_t n = 0;
  for (const auto& r : requests()) n += r.at("path").as_string() == path;
  return n;
}

long http_post(const std::string& url, const std::vector<std::string>& headers,
               const std::string& body, const std::string& method) {
  CURL* c = curl_easy_init();
  std::string answer;
  curl_slist* list = nullptr;
  for (const std::string& h : headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10'000L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &append);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  long status = 0;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(list);
  curl_easy_cleanup(c);
  return status;
}

std::string fake_server_uuid(int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08x-5e7a-4c1d-9b2e-%012x", 0x5e000000 + i, i);
  return buf;
}

}  // namespace flowlens::discovery_pterodactyl::test
