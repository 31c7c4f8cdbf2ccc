/* SPDX-License-Identifier: BSD-2-Clause */
// RAII owner of one bpftool-generated skeleton (struct X with C++ statics open/load/destroy).
// Steps run in order open -> configure (caller, between open and load) -> load; each returns its
// own Error with the step name and errno. Attaching TC programs is TcAttachment's job, because
// libbpf cannot auto-attach SEC("tc") programs.
#pragma once

#include <bpf/libbpf.h>

#include <cerrno>

#include "bpf/result.h"

namespace flowlens::bpf {

template <class Skel>
class Skeleton {
 public:
  Skeleton() = default;
  ~Skeleton() { destroy(); }
  Skeleton(const Skeleton&) = delete;
  Skeleton& operator=(const Skeleton&) = delete;
  Skeleton(Skeleton&&) = delete;  // the skeleton's maps and programs point into it
  Skeleton& operator=(Skeleton&&) = delete;

  // Parses the embedded object; maps and programs can be configured afterwards.
  Status open(const bpf_object_open_opts* opts = nullptr) {
    if (skel_) return Error{"open", EALREADY, "skeleton already open"};
    skel_ = Skel::open(opts);
    if (!skel_) return make_error("open", -errno, "cannot parse the embedded BPF object");
    return ok_status();
  }

  // Creates (or reuses pinned) maps and verifies the programs.
  Status load() {
    if (!skel_) return Error{"load", EINVAL, "skeleton not open"};
    if (int ret = Skel::load(skel_); ret != 0) return make_error("load", ret, "BPF load failed");
    loaded_ = true;
    return ok_status();
  }

  void destroy() noexcept {
    if (skel_) Skel::destroy(skel_);
    skel_ = nullptr;
    loaded_ = false;
  }

  bool loaded() const { return loaded_; }
  Skel* get() const { return skel_; }
  Skel* operator->() const { return skel_; }

 private:
  Skel* skel_ = nullptr;
  bool loaded_ = false;
};

}  // namespace flowlens::bpf
