/* SPDX-License-Identifier: BSD-2-Clause */
#pragma once

namespace flowlens::daemon {

inline constexpr const char* kVersion = FLOWLENS_VERSION;

}  // namespace flowlens::daemon
