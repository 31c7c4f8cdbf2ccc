/* SPDX-License-Identifier: BSD-2-Clause */
// The one exception type the plugin host throws: its message names the file or instance and the
// cause, ready to log as is.
#pragma once

#include <stdexcept>

namespace flowlens::plugin_host {

class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace flowlens::plugin_host
