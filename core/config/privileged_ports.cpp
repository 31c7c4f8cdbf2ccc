// SPDX-License-Identifier: BSD-2-Clause
#include "config/privileged_ports.h"

#include <boost/json.hpp>

#include <charconv>
#include <string_view>

namespace flowlens::config {

namespace {

// Ports below this need CAP_NET_BIND_SERVICE (net.ipv4.ip_unprivileged_port_start's default).
constexpr unsigned kFirstUnprivilegedPort = 1024;

// "ADDR:PORT", "[V6]:PORT" and ":PORT" all end in ":PORT". Anything else is the plugin's to
// refuse, with its own message.
bool is_privileged(std::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view digits = address.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  return ec == std::errc() && end == digits.data() + digits.size() && port > 0 &&
         port < kFirstUnprivilegedPort;
}

std::string find_in(const boost::json::value& v) {
  if (const auto* obj = v.if_object()) {
    for (const auto& [key, child] : *obj) {
      if (key == "listen") {
        if (const auto* s = child.if_string(); s && is_privileged(*s)) return std::string(*s);
        if (const auto* list = child.if_array())
          for (const auto& item : *list)
            if (const auto* s = item.if_string(); s && is_privileged(*s)) return std::string(*s);
      }
      if (std::string found = find_in(child); !found.empty()) return found;
    }
  } else if (const auto* arr = v.if_array()) {
    for (const auto& item : *arr)
      if (std::string found = find_in(item); !found.empty()) return found;
  }
  return "";
}

}  // namespace

std::string privileged_listen(const Config& config) {
  for (const auto& inst : config.plugins) {
    if (!inst.enabled) continue;
    boost::system::error_code ec;
    const boost::json::value section = boost::json::parse(inst.config_json, ec);
    if (ec) continue;
    if (std::string address = find_in(section); !address.empty())
      return "plugins." + inst.name + " listens on " + address;
  }
  return "";
}

}  // namespace flowlens::config
