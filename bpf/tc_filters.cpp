// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/tc_filters.h"

#include <bpf/bpf.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace flowlens::bpf {
namespace {

// A dump that does not end within this long is abandoned: the kernel answers in microseconds.
constexpr timeval kReplyTimeout{2, 0};
// Far above any real hook (Cilium adds two filters per hook); stops a runaway dump.
constexpr size_t kMaxFilters = 4096;
// One receive buffer: the kernel fills at most one page-sized skb per dump part.
constexpr size_t kReceiveBuffer = 32768;

// BPF_TCX_INGRESS / BPF_TCX_EGRESS of <linux/bpf.h> from Linux 6.6; Debian 12's headers (6.1)
// predate them. The numbers are kernel ABI and never change.
constexpr int kTcxIngress = 46;
constexpr int kTcxEgress = 47;
// Programs a TCX query reports at most; more are not listed, only counted.
constexpr uint32_t kMaxTcxPrograms = 64;

class Socket {
 public:
  Socket() : fd_(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Reads a nested attribute block into `table` indexed by type (types above `max` are skipped).
void parse_attrs(const rtattr* rta, int len, const rtattr** table, int max) {
  for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
    if (rta->rta_type <= max) table[rta->rta_type] = rta;
}

std::string attr_string(const rtattr* rta) {
  const char* data = static_cast<const char*>(RTA_DATA(rta));
  return std::string(data, strnlen(data, RTA_PAYLOAD(rta)));
}

uint32_t attr_u32(const rtattr* rta) {
  uint32_t v = 0;
  if (RTA_PAYLOAD(rta) >= sizeof v) std::memcpy(&v, RTA_DATA(rta), sizeof v);
  return v;
}

// One RTM_NEWTFILTER message; false for the entry a priority keeps without a filter (handle 0).
bool parse_filter(const nlmsghdr* msg, TcFilter* out) {
  const auto* tc = static_cast<const tcmsg*>(NLMSG_DATA(msg));
  if (tc->tcm_handle == 0) return false;
  out->priority = TC_H_MAJ(tc->tcm_info) >> 16;
  out->handle = tc->tcm_handle;
  const rtattr* attrs[TCA_MAX + 1] = {};
  parse_attrs(reinterpret_cast<const rtattr*>(reinterpret_cast<const char*>(tc) +
                                              NLMSG_ALIGN(sizeof(tcmsg))),
              static_cast<int>(msg->nlmsg_len - NLMSG_LENGTH(sizeof(tcmsg))), attrs, TCA_MAX);
  if (attrs[TCA_KIND]) out->kind = attr_string(attrs[TCA_KIND]);
  if (out->kind != "bpf" || !attrs[TCA_OPTIONS]) return true;
  const rtattr* opts[TCA_BPF_MAX + 1] = {};
  parse_attrs(static_cast<const rtattr*>(RTA_DATA(attrs[TCA_OPTIONS])),
              static_cast<int>(RTA_PAYLOAD(attrs[TCA_OPTIONS])), opts, TCA_BPF_MAX);
  if (opts[TCA_BPF_FLAGS])
    out->direct_action = (attr_u32(opts[TCA_BPF_FLAGS]) & TCA_BPF_FLAG_ACT_DIRECT) != 0;
  if (opts[TCA_BPF_ID]) out->prog_id = attr_u32(opts[TCA_BPF_ID]);
  if (opts[TCA_BPF_NAME]) out->name = attr_string(opts[TCA_BPF_NAME]);
  return true;
}

std::string describe(const TcFilter& f) {
  std::string s = "priority " + std::to_string(f.priority) + " " + f.kind;
  if (f.kind == "bpf") {
    if (f.direct_action) s += " direct-action";
    if (!f.name.empty()) s += " '" + f.name + "'";
    if (f.prog_id != 0) s += " (program id " + std::to_string(f.prog_id) + ")";
  }
  return s;
}

}  // namespace

const char* hook_name(TcHook hook) {
  return hook == TcHook::kIngress ? "ingress" : "egress";
}

Result<std::vector<TcFilter>> list_tc_filters(int ifindex, TcHook hook) {
  const std::string step = std::string("list ") + hook_name(hook) + " filters";
  Socket sock;
  if (sock.fd() < 0) return make_error(step, -errno, "cannot open an rtnetlink socket");
  if (::setsockopt(sock.fd(), SOL_SOCKET, SO_RCVTIMEO, &kReplyTimeout, sizeof kReplyTimeout) != 0)
    return make_error(step, -errno, "cannot set the rtnetlink timeout");

  struct {
    nlmsghdr hdr;
    tcmsg tc;
  } req{};
  req.hdr.nlmsg_len = NLMSG_LENGTH(sizeof(tcmsg));
  req.hdr.nlmsg_type = RTM_GETTFILTER;
  req.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.hdr.nlmsg_seq = 1;
  req.tc.tcm_family = AF_UNSPEC;
  req.tc.tcm_ifindex = ifindex;
  req.tc.tcm_parent =
      TC_H_MAKE(TC_H_CLSACT, hook == TcHook::kIngress ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS);
  if (::send(sock.fd(), &req, req.hdr.nlmsg_len, 0) < 0)
    return make_error(step, -errno, "cannot ask the kernel for the filters");

  std::vector<TcFilter> filters;
  std::array<char, kReceiveBuffer> buf;
  while (filters.size() < kMaxFilters) {
    const ssize_t n = ::recv(sock.fd(), buf.data(), buf.size(), 0);
    if (n < 0) return make_error(step, -errno, "no answer from the kernel");
    int len = static_cast<int>(n);
    // NLMSG_OK compares the unsigned nlmsg_len with the signed length it needs (NLMSG_NEXT may
    // take it below zero), which clang reports inside the macro.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
    for (auto* msg = reinterpret_cast<const nlmsghdr*>(buf.data()); NLMSG_OK(msg, len);
         msg = NLMSG_NEXT(msg, len)) {
#pragma GCC diagnostic pop
      if (msg->nlmsg_type == NLMSG_DONE) return filters;
      if (msg->nlmsg_type == NLMSG_ERROR) {
        const int err = static_cast<const nlmsgerr*>(NLMSG_DATA(msg))->error;
        // No clsact qdisc: nothing is attached there.
        if (err == -EINVAL || err == -ENOENT) return filters;
        return make_error(step, err, "the kernel refused the filter dump");
      }
      TcFilter f;
      if (msg->nlmsg_type == RTM_NEWTFILTER && parse_filter(msg, &f)) filters.push_back(f);
    }
  }
  return filters;
}

std::string program_name(const TcFilter& filter) {
  return filter.name.substr(0, filter.name.find(":["));
}

std::vector<uint32_t> tcx_programs(int ifindex, TcHook hook) {
  std::array<uint32_t, kMaxTcxPrograms> ids{};
  uint32_t count = ids.size();
  const auto type =
      static_cast<bpf_attach_type>(hook == TcHook::kIngress ? kTcxIngress : kTcxEgress);
  if (bpf_prog_query(ifindex, type, 0, nullptr, ids.data(), &count) != 0) return {};
  return {ids.begin(), ids.begin() + std::min<uint32_t>(count, ids.size())};
}

std::string describe_filters_ahead(const std::vector<TcFilter>& filters,
                                   const std::vector<uint32_t>& tcx, uint32_t our_priority,
                                   uint32_t our_handle, const std::string& where) {
  std::string ahead;
  auto add = [&ahead](const std::string& what) { ahead += (ahead.empty() ? "" : "; ") + what; };
  for (uint32_t id : tcx) add("TCX program id " + std::to_string(id));
  for (const TcFilter& f : filters) {
    if (f.priority > our_priority) continue;
    if (f.priority == our_priority && f.handle == our_handle) continue;
    add(describe(f) + (f.priority == our_priority ? " (shares our priority)" : ""));
  }
  if (ahead.empty()) return "";
  return where + ": " + ahead + " can end the hook before FlowLens's filter at priority " +
         std::to_string(our_priority) +
         ": a packet it passes, drops, redirects or steals (any verdict but TC_ACT_UNSPEC) is "
         "never counted. If estimates look low, give FlowLens a lower core.tc_priority than "
         "those filters; TCX programs run before every filter (README, 'Sharing the TC hook')";
}

}  // namespace flowlens::bpf
