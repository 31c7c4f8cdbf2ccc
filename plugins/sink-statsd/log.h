/* SPDX-License-Identifier: BSD-2-Clause */
// How the sink's parts log without knowing the SDK: plugin.cpp routes this into the host's log.
#pragma once

#include <functional>
#include <string>

namespace flowlens::statsd {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
using LogFn = std::function<void(LogLevel, const std::string&)>;

}  // namespace flowlens::statsd
