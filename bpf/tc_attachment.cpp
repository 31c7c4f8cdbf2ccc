// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/tc_attachment.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <net/if.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <utility>
#include <vector>

#include "bpf/tc_filters.h"

namespace flowlens::bpf {
namespace {

bpf_tc_hook make_hook(int ifindex, bpf_tc_attach_point point) {
  bpf_tc_hook hook{};
  hook.sz = sizeof(hook);
  hook.ifindex = ifindex;
  hook.attach_point = point;
  return hook;
}

bpf_tc_opts make_opts(int prog_fd, uint32_t priority) {
  bpf_tc_opts opts{};
  opts.sz = sizeof(opts);
  opts.handle = kTcHandle;
  opts.priority = priority;
  opts.prog_fd = prog_fd;
  return opts;
}

const char* point_name(bpf_tc_attach_point point) {
  return point == BPF_TC_INGRESS ? "ingress" : "egress";
}

TcHook to_hook(bpf_tc_attach_point point) {
  return point == BPF_TC_INGRESS ? TcHook::kIngress : TcHook::kEgress;
}

// The kernel's name of a loaded program ("flowlens_tc_in"): how our filters are told from
// another tool's at our handle and priority.
std::string program_name_of(int prog_fd) {
  bpf_prog_info info{};
  uint32_t len = sizeof(info);
  if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) != 0) return "";
  return info.name;
}

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

// What is at our place on one hook before we attach. Our handle and priority holding another
// tool's filter is an error (we never replace it); one of ours there (a killed run) is replaced.
// A filter of ours at another priority is reported, not removed: it may be another flowlensd's.
struct OurPlace {
  bool stale_ours = false;
  std::vector<TcFilter> others;  // every filter that is not at our handle and priority
};

Result<OurPlace> inspect_hook(const std::vector<TcFilter>& filters, uint32_t priority,
                              const std::string& our_name, const std::string& ifname,
                              bpf_tc_attach_point point) {
  const std::string step = std::string("attach ") + point_name(point) + " " + ifname;
  const std::string where = ifname + " " + point_name(point);
  OurPlace place;
  for (const TcFilter& f : filters) {
    const bool named_ours = f.kind == "bpf" && !our_name.empty() && program_name(f) == our_name;
    if (f.handle == kTcHandle && f.priority == priority) {
      if (named_ours) {
        place.stale_ours = true;
        continue;
      }
      return Error{step, EEXIST,
                   "priority " + std::to_string(priority) + " handle " + hex(kTcHandle) + " on " +
                       where + " holds another tool's filter (" + f.kind +
                       (f.name.empty() ? "" : " '" + f.name + "'") +
                       "); FlowLens never replaces a filter that is not its own: set "
                       "core.tc_priority to a priority no other tool uses"};
    }
    if (f.handle == kTcHandle && named_ours)
      spdlog::warn(
          "{}: a FlowLens filter at priority {} (program id {}) is not this run's: left by a run "
          "with another core.tc_priority, or another flowlensd that does not share /run/flowlens. "
          "Both count every packet; if it is stale remove it: tc filter del dev {} {} pref {} "
          "handle {} bpf",
          where, f.priority, f.prog_id, ifname, point_name(point), f.priority, hex(kTcHandle));
    place.others.push_back(f);
  }
  return place;
}

// Says once per attach what shares the hook: a warning when something runs before us.
void report_neighbours(const std::vector<TcFilter>& others, const std::vector<uint32_t>& tcx,
                       uint32_t priority, const std::string& where) {
  if (std::string ahead = describe_filters_ahead(others, tcx, priority, kTcHandle, where);
      !ahead.empty()) {
    spdlog::warn("{}", ahead);
    return;
  }
  if (!others.empty())
    spdlog::info("{}: {} other filter(s), all after FlowLens's at priority {}; left untouched",
                 where, others.size(), priority);
}

}  // namespace

Result<TcAttachment> TcAttachment::attach(const std::string& ifname, int ingress_fd, int egress_fd,
                                          uint32_t priority, bool clsact_is_ours) {
  if (priority == 0 || priority > kMaxTcPriority)
    return Error{"attach " + ifname, EINVAL,
                 "TC priority " + std::to_string(priority) + " is outside 1.." +
                     std::to_string(kMaxTcPriority)};
  unsigned index = if_nametoindex(ifname.c_str());
  if (index == 0)
    return make_error("attach " + ifname, -errno, "interface " + ifname + " does not exist");

  TcAttachment tc;
  tc.ifname_ = ifname;
  tc.ifindex_ = static_cast<int>(index);
  tc.priority_ = priority;

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
    const std::string step = std::string("attach ") + point_name(point) + " " + ifname;
    const std::string where = ifname + " " + point_name(point);
    auto filters = list_tc_filters(tc.ifindex_, to_hook(point));
    if (!filters) {
      tc.detach();
      return filters.error();
    }
    auto place = inspect_hook(filters.value(), priority, program_name_of(fd), ifname, point);
    if (!place) {
      tc.detach();
      return place.error();
    }
    bpf_tc_hook h = make_hook(tc.ifindex_, point);
    bpf_tc_opts opts = make_opts(fd, priority);
    // Only our own filter left by a killed run is replaced; otherwise a filter appearing at our
    // place between the check and now makes the kernel refuse (EEXIST) rather than replace it.
    opts.flags = place.value().stale_ours ? BPF_TC_F_REPLACE : 0;
    ret = bpf_tc_attach(&h, &opts);
    if (ret != 0) {
      Error err = make_error(step, ret,
                             "cannot add the TC filter at priority " + std::to_string(priority) +
                                 " (another tool may hold that priority with a filter of another "
                                 "kind: set core.tc_priority to a free one)");
      tc.detach();
      return err;
    }
    (point == BPF_TC_INGRESS ? tc.ingress_ : tc.egress_) = true;
    (point == BPF_TC_INGRESS ? tc.ingress_prog_id_ : tc.egress_prog_id_) = opts.prog_id;
    report_neighbours(place.value().others, tcx_programs(tc.ifindex_, to_hook(point)), priority,
                      where);
  }
  spdlog::info("attached to {} ingress and egress at TC priority {} (clsact {})", ifname, priority,
               clsact);
  return Result<TcAttachment>(std::move(tc));
}

TcAttachment::TcAttachment(TcAttachment&& other) noexcept
    : ifname_(std::move(other.ifname_)),
      ifindex_(std::exchange(other.ifindex_, 0)),
      priority_(other.priority_),
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
    priority_ = other.priority_;
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
    bpf_tc_opts opts = make_opts(0, priority_);  // query by handle and priority; fills prog_id
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
    ours = false;
    bpf_tc_hook hook = make_hook(ifindex_, point);
    bpf_tc_opts opts = make_opts(0, priority_);
    // The kernel deletes by handle and priority whatever program is there: ask first.
    if (bpf_tc_query(&hook, &opts) == 0 &&
        opts.prog_id != (point == BPF_TC_INGRESS ? ingress_prog_id_ : egress_prog_id_)) {
      spdlog::warn("detach {} {}: program id {} took our place; left alone", point_name(point),
                   ifname_, opts.prog_id);
      continue;
    }
    opts = make_opts(0, priority_);  // detach wants handle and priority only
    if (int ret = bpf_tc_detach(&hook, &opts); ret != 0 && ret != -ENOENT && ret != -ENODEV)
      spdlog::warn("detach {} {}: errno {}", point_name(point), ifname_, -ret);
  }
  // Removing the qdisc removes every filter on it: only when no other tool added one since.
  size_t others = 0;
  if (created_qdisc_) {
    for (auto point : {TcHook::kIngress, TcHook::kEgress}) {
      auto left = list_tc_filters(ifindex_, point);
      others += left ? left.value().size() : 1;  // cannot tell: keep it rather than risk theirs
    }
  }
  if (others != 0) {
    spdlog::info("clsact on {} kept: other tools' filters are on it", ifname_);
    created_qdisc_ = false;
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
