// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/tc_attachment.h"

#include <bpf/libbpf.h>
#include <net/if.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <utility>

namespace flowlens::bpf {
namespace {

bpf_tc_hook make_hook(int ifindex, bpf_tc_attach_point point) {
  bpf_tc_hook hook{};
  hook.sz = sizeof(hook);
  hook.ifindex = ifindex;
  hook.attach_point = point;
  return hook;
}

bpf_tc_opts make_opts(int prog_fd) {
  bpf_tc_opts opts{};
  opts.sz = sizeof(opts);
  opts.handle = kTcHandle;
  opts.priority = kTcPriority;
  opts.prog_fd = prog_fd;
  return opts;
}

const char* point_name(bpf_tc_attach_point point) {
  return point == BPF_TC_INGRESS ? "ingress" : "egress";
}

}  // namespace

Result<TcAttachment> TcAttachment::attach(const std::string& ifname, int ingress_fd, int egress_fd,
                                          bool clsact_is_ours) {
  unsigned index = if_nametoindex(ifname.c_str());
  if (index == 0)
    return make_error("attach " + ifname, -errno, "interface " + ifname + " does not exist");

  TcAttachment tc;
  tc.ifname_ = ifname;
  tc.ifindex_ = static_cast<int>(index);

  // Creating the clsact qdisc fails with EEXIST when another tool (or our earlier run) already
  // added one; that is normal, we just must not delete it on exit.
  bpf_tc_hook hook = make_hook(tc.ifindex_, BPF_TC_INGRESS);
  int ret = bpf_tc_hook_create(&hook);
  const char* clsact = "created";
  if (ret == 0) {
    tc.created_qdisc_ = true;
  } else if (ret == -EEXIST) {
    tc.created_qdisc_ = clsact_is_ours;
    clsact = clsact_is_ours ? "left by a killed run of ours, removed on exit" : "already present";
  } else {
    tc.ifindex_ = 0;
    return make_error("attach " + ifname, ret, "cannot create the clsact qdisc");
  }

  for (auto [point, fd] :
       {std::pair{BPF_TC_INGRESS, ingress_fd}, std::pair{BPF_TC_EGRESS, egress_fd}}) {
    bpf_tc_hook h = make_hook(tc.ifindex_, point);
    bpf_tc_opts opts = make_opts(fd);
    opts.flags = BPF_TC_F_REPLACE;  // a stale filter of ours from a crash is replaced, not doubled
    ret = bpf_tc_attach(&h, &opts);
    if (ret != 0) {
      Error err = make_error(std::string("attach ") + point_name(point) + " " + ifname, ret,
                             "cannot add the TC filter (priority " + std::to_string(kTcPriority) +
                                 " may hold a non-BPF filter)");
      tc.detach();
      return err;
    }
    (point == BPF_TC_INGRESS ? tc.ingress_ : tc.egress_) = true;
    (point == BPF_TC_INGRESS ? tc.ingress_prog_id_ : tc.egress_prog_id_) = opts.prog_id;
  }
  spdlog::info("attached to {} ingress and egress (clsact {})", ifname, clsact);
  return Result<TcAttachment>(std::move(tc));
}

TcAttachment::TcAttachment(TcAttachment&& other) noexcept
    : ifname_(std::move(other.ifname_)),
      ifindex_(std::exchange(other.ifindex_, 0)),
      created_qdisc_(std::exchange(other.created_qdisc_, false)),
      ingress_(std::exchange(other.ingress_, false)),
      egress_(std::exchange(other.egress_, false)),
      ingress_prog_id_(other.ingress_prog_id_),
      egress_prog_id_(other.egress_prog_id_) {}

TcAttachment& TcAttachment::operator=(TcAttachment&& other) noexcept {
  if (this != &other) {
    detach();
    ifname_ = std::move(other.ifname_);
    ifindex_ = std::exchange(other.ifindex_, 0);
    created_qdisc_ = std::exchange(other.created_qdisc_, false);
    ingress_ = std::exchange(other.ingress_, false);
    egress_ = std::exchange(other.egress_, false);
    ingress_prog_id_ = other.ingress_prog_id_;
    egress_prog_id_ = other.egress_prog_id_;
  }
  return *this;
}

std::string TcAttachment::problem() const {
  if (ifindex_ == 0) return "not attached";
  const unsigned index = if_nametoindex(ifname_.c_str());
  if (index == 0) return "interface " + ifname_ + " is gone";
  if (static_cast<int>(index) != ifindex_) return "interface " + ifname_ + " was re-created";
  for (auto point : {BPF_TC_INGRESS, BPF_TC_EGRESS}) {
    bpf_tc_hook hook = make_hook(ifindex_, point);
    bpf_tc_opts opts = make_opts(0);  // query by handle and priority; the kernel fills prog_id
    const int ret = bpf_tc_query(&hook, &opts);
    const std::string where = ifname_ + " " + point_name(point);
    if (ret == -ENOENT || ret == -EINVAL) return "our filter on " + where + " was removed";
    if (ret != 0)
      return "cannot query the filter on " + where + " (errno " + std::to_string(-ret) + ")";
    const uint32_t ours = point == BPF_TC_INGRESS ? ingress_prog_id_ : egress_prog_id_;
    if (opts.prog_id != ours)
      return "another program (id " + std::to_string(opts.prog_id) + ") replaced ours on " + where;
  }
  return "";
}

void TcAttachment::forget() noexcept {
  ingress_ = egress_ = created_qdisc_ = false;
  ifindex_ = 0;
}

void TcAttachment::detach() noexcept {
  if (ifindex_ == 0) return;
  for (auto point : {BPF_TC_INGRESS, BPF_TC_EGRESS}) {
    bool& ours = point == BPF_TC_INGRESS ? ingress_ : egress_;
    if (!ours) continue;
    bpf_tc_hook hook = make_hook(ifindex_, point);
    bpf_tc_opts opts = make_opts(0);  // detach wants handle and priority only
    if (int ret = bpf_tc_detach(&hook, &opts); ret != 0 && ret != -ENOENT && ret != -ENODEV)
      spdlog::warn("detach {} {}: errno {}", point_name(point), ifname_, -ret);
    ours = false;
  }
  if (created_qdisc_) {
    // Ingress|egress together is how libbpf names the whole clsact qdisc.
    bpf_tc_hook hook =
        make_hook(ifindex_, static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS));
    if (int ret = bpf_tc_hook_destroy(&hook); ret != 0 && ret != -ENOENT && ret != -ENODEV)
      spdlog::warn("remove clsact on {}: errno {}", ifname_, -ret);
    created_qdisc_ = false;
  }
  spdlog::info("detached from {}", ifname_);
  ifindex_ = 0;
}

}  // namespace flowlens::bpf
