// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/watched_ports.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <netinet/in.h>

#include <algorithm>
#include <memory>
#include <set>
#include <tuple>

#include "flowlens.h"

namespace flowlens::bpf {
namespace {

flowlens_port_key to_key(const model::Endpoint& e) {
  flowlens_port_key k{};
  k.port = htons(e.port);
  k.proto = e.proto;
  return k;
}

bool key_less(const flowlens_port_key& a, const flowlens_port_key& b) {
  return std::tie(a.port, a.proto) < std::tie(b.port, b.proto);
}

Status check_endpoint(const model::Endpoint& e) {
  if (e.proto != IPPROTO_TCP && e.proto != IPPROTO_UDP)
    return Error{"watch port " + std::to_string(e.port), EINVAL,
                 "protocol " + std::to_string(e.proto) + " is neither TCP nor UDP"};
  return ok_status();
}

}  // namespace

Status WatchedPorts::write_bitmap(std::span<const WatchedEndpoint> endpoints) {
  auto bitmap = std::make_unique<flowlens_port_bitmap>();  // 16 KiB: keep it off the stack
  for (const auto& w : endpoints) {
    int slot = w.endpoint.proto == IPPROTO_TCP ? FLOWLENS_PORT_SLOT_TCP : FLOWLENS_PORT_SLOT_UDP;
    bitmap->bits[slot][w.endpoint.port >> 3] |= static_cast<__u8>(1U << (w.endpoint.port & 7));
  }
  const __u32 zero = 0;
  if (bpf_map_update_elem(bitmap_fd_, &zero, bitmap.get(), BPF_ANY) != 0)
    return make_error("watch ports", -errno, "cannot write the watched-ports bitmap");
  return ok_status();
}

Status WatchedPorts::replace(std::span<const WatchedEndpoint> endpoints) {
  for (const auto& w : endpoints)
    if (auto s = check_endpoint(w.endpoint); !s) return s;
  if (endpoints.size() > FLOWLENS_MAX_WATCHED_PORTS)
    return Error{"watch ports", E2BIG,
                 std::to_string(endpoints.size()) + " endpoints exceed the limit of " +
                     std::to_string(FLOWLENS_MAX_WATCHED_PORTS)};
  if (auto s = write_bitmap(endpoints); !s) return s;

  std::set<flowlens_port_key, decltype(&key_less)> wanted(&key_less);
  for (const auto& w : endpoints) {
    flowlens_port_key k = to_key(w.endpoint);
    flowlens_port_value v{w.server_index};
    wanted.insert(k);
    if (bpf_map_update_elem(ports_fd_, &k, &v, BPF_ANY) != 0)
      return make_error("watch port " + std::to_string(w.endpoint.port), -errno,
                        "cannot update the watched-ports map");
  }
  auto now = current();
  if (!now) return now.error();
  for (const auto& w : now.value()) {
    flowlens_port_key k = to_key(w.endpoint);
    if (wanted.count(k)) continue;
    if (bpf_map_delete_elem(ports_fd_, &k) != 0 && errno != ENOENT)
      return make_error("unwatch port " + std::to_string(w.endpoint.port), -errno,
                        "cannot delete from the watched-ports map");
  }
  return ok_status();
}

Status WatchedPorts::replace(std::span<const model::Endpoint> endpoints) {
  std::vector<WatchedEndpoint> w;
  w.reserve(endpoints.size());
  for (const auto& e : endpoints) w.push_back({e, 0});
  return replace(std::span<const WatchedEndpoint>(w));
}

Result<std::vector<WatchedEndpoint>> WatchedPorts::current() const {
  std::vector<WatchedEndpoint> out;
  flowlens_port_key key{}, next{};
  const flowlens_port_key* prev = nullptr;
  // The map holds at most FLOWLENS_MAX_WATCHED_PORTS keys; the bound guards against a map being
  // rewritten under us restarting the walk forever.
  for (int i = 0; i <= FLOWLENS_MAX_WATCHED_PORTS * 2; ++i) {
    if (bpf_map_get_next_key(ports_fd_, prev, &next) != 0) {
      if (errno == ENOENT) return out;
      return make_error("list watched ports", -errno, "cannot walk the watched-ports map");
    }
    flowlens_port_value v{};
    if (bpf_map_lookup_elem(ports_fd_, &next, &v) == 0)
      out.push_back({{ntohs(next.port), next.proto}, v.server_index});
    key = next;
    prev = &key;
  }
  return out;
}

Status WatchedPorts::sync_bitmap() {
  auto now = current();
  if (!now) return now.error();
  return write_bitmap(now.value());
}

}  // namespace flowlens::bpf
