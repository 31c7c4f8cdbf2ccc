// SPDX-License-Identifier: BSD-2-Clause
#include "state_file.h"

#include <boost/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace flowlens::webhook {
namespace {

namespace json = boost::json;

// A state file is a few hundred bytes per firing alert; anything this large is not ours.
constexpr std::streamsize kMaxStateFileBytes = 64 * 1024 * 1024;

[[noreturn]] void fail_errno(const std::string& what, const std::string& path) {
  throw std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

std::vector<FiringRecord> load_state_file(const std::string& path) {
  std::error_code exists_error;
  if (!std::filesystem::exists(path, exists_error) && !exists_error) return {};  // first start
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_errno("cannot open state file", path);
  std::ostringstream text;
  text << in.rdbuf();
  if (text.tellp() > kMaxStateFileBytes) throw std::runtime_error(path + ": state file too large");
  boost::system::error_code ec;
  json::value doc = json::parse(text.str(), ec);
  if (ec) throw std::runtime_error(path + ": not valid JSON: " + ec.message());
  const json::object* root = doc.if_object();
  if (root == nullptr || !root->contains("version") || !root->contains("firing")) {
    throw std::runtime_error(path + ": not a sink-webhook state file");
  }
  if (root->at("version") != kStateFileVersion) {
    throw std::runtime_error(path + ": state file version " + json::serialize(root->at("version")) +
                             ", expected " + std::to_string(kStateFileVersion));
  }
  const json::array* firing = root->at("firing").if_array();
  if (firing == nullptr) throw std::runtime_error(path + ": 'firing' is not a list");
  std::vector<FiringRecord> out;
  for (const json::value& v : *firing) {
    const json::object* o = v.if_object();
    if (o == nullptr) continue;
    FiringRecord r;
    auto str = [&](const char* key) {
      const json::value* s = o->if_contains(key);
      return s && s->is_string() ? std::string(s->get_string()) : std::string();
    };
    r.rule = str("rule");
    r.server_id = str("server_id");
    r.server_name = str("server_name");
    if (const json::value* labels = o->if_contains("labels"); labels && labels->is_object()) {
      for (const auto& [k, lv] : labels->get_object()) {
        if (lv.is_string()) r.labels[std::string(k)] = std::string(lv.get_string());
      }
    }
    if (const json::value* t = o->if_contains("threshold"); t && t->is_int64()) {
      r.threshold = t->get_int64();
    }
    if (const json::value* s = o->if_contains("since_unix_ms"); s && s->is_int64()) {
      r.since_wall_ms = s->get_int64();
    }
    if (!r.rule.empty() && !r.server_id.empty()) out.push_back(std::move(r));
  }
  return out;
}

void save_state_file(const std::string& path, const std::vector<FiringRecord>& records) {
  json::array firing;
  for (const FiringRecord& r : records) {
    json::object o;
    o["rule"] = r.rule;
    o["server_id"] = r.server_id;
    o["server_name"] = r.server_name;
    json::object labels;
    for (const auto& [k, v] : r.labels) labels[k] = v;
    o["labels"] = std::move(labels);
    if (r.threshold) o["threshold"] = *r.threshold;
    o["since_unix_ms"] = r.since_wall_ms;
    firing.push_back(std::move(o));
  }
  const std::string text =
      json::serialize(json::object{{"version", kStateFileVersion}, {"firing", firing}}) + "\n";

  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) fail_errno("cannot create", tmp);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      errno = saved;
      fail_errno("cannot write", tmp);
    }
    done += static_cast<size_t>(n);
  }
  // fsync before rename: after a crash the file is the old state or the new one, never empty.
  if (::fsync(fd) != 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    fail_errno("cannot fsync", tmp);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail_errno("cannot rename to", path);
}

}  // namespace flowlens::webhook
