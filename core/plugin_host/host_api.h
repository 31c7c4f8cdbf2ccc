/* SPDX-License-Identifier: BSD-2-Clause */
// The host side of flowlens_host_api for one plugin instance: the C function table handed to
// create, whose functions validate and copy their arguments and call HostServices.
#pragma once

#include <memory>
#include <string>

#include "flowlens/plugin.h"
#include "plugin_host/host_services.h"

namespace flowlens::plugin_host {

class HostApi {
 public:
  HostApi(std::string instance_name, HostServices& services);
  ~HostApi();
  HostApi(const HostApi&) = delete;
  HostApi& operator=(const HostApi&) = delete;

  // Valid, at a fixed address, until this object is destroyed (after the instance's destroy).
  const flowlens_host_api* get() const { return &api_; }

 private:
  std::unique_ptr<flowlens_host_context> context_;  // defined in host_api.cpp
  flowlens_host_api api_{};
};

}  // namespace flowlens::plugin_host
