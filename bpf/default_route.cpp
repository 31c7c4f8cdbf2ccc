// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/default_route.h"

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>

namespace flowlens::bpf {
namespace {

// Route flags as in <linux/route.h>/<linux/ipv6_route.h>.
constexpr unsigned long kRtfUp = 0x0001;
constexpr unsigned long kRtfReject = 0x0200;
// /proc route tables are small; the bound only protects against a pathological file.
constexpr int kMaxRouteLines = 1 << 20;

struct Best {
  std::string iface;
  unsigned long metric = std::numeric_limits<unsigned long>::max();
  void offer(const std::string& name, unsigned long m) {
    if (name.empty() || name == "lo" || m >= metric) return;
    iface = name;
    metric = m;
  }
};

// Columns: Iface Destination Gateway Flags RefCnt Use Metric Mask ... (hex, host-endian).
std::string from_ipv4(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  Best best;
  std::getline(in, line);  // header
  for (int n = 0; n < kMaxRouteLines && std::getline(in, line); ++n) {
    std::istringstream cols(line);
    std::string iface, dest, gw, flags, mask;
    unsigned long refcnt = 0, use = 0, metric = 0;
    if (!(cols >> iface >> dest >> gw >> flags >> refcnt >> use >> metric >> mask)) continue;
    unsigned long f = std::stoul(flags, nullptr, 16);
    if (dest != "00000000" || mask != "00000000" || !(f & kRtfUp) || (f & kRtfReject)) continue;
    best.offer(iface, metric);
  }
  return best.iface;
}

// Columns: dest plen src splen nexthop metric refcnt use flags iface (hex).
std::string from_ipv6(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  Best best;
  for (int n = 0; n < kMaxRouteLines && std::getline(in, line); ++n) {
    std::istringstream cols(line);
    std::string dest, plen, src, splen, nexthop, metric, refcnt, use, flags, iface;
    if (!(cols >> dest >> plen >> src >> splen >> nexthop >> metric >> refcnt >> use >> flags >>
          iface))
      continue;
    unsigned long f = std::stoul(flags, nullptr, 16);
    if (dest != std::string(32, '0') || plen != "00" || !(f & kRtfUp) || (f & kRtfReject)) continue;
    best.offer(iface, std::stoul(metric, nullptr, 16));
  }
  return best.iface;
}

}  // namespace

Result<std::string> default_route_interface(const std::string& proc_net) {
  try {
    if (auto v4 = from_ipv4(proc_net + "/route"); !v4.empty()) return v4;
    if (auto v6 = from_ipv6(proc_net + "/ipv6_route"); !v6.empty()) return v6;
  } catch (const std::exception& e) {  // std::stoul on a malformed line
    return Error{"default route", EINVAL, std::string("malformed route table: ") + e.what()};
  }
  return Error{"default route", ENOENT,
               "no default route in " + proc_net +
                   "/route or ipv6_route: set `interface` in the configuration"};
}

}  // namespace flowlens::bpf
