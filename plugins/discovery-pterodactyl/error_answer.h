/* SPDX-License-Identifier: BSD-2-Clause */
// What a failed answer says, for the log: the panel's errors look like
//   {"errors":[{"code":"AuthenticationException","status":"401","detail":"Unauthenticated."}]}
// Anything else (an HTML error page from a proxy, nothing at all) is described by its status.
#pragma once

#include <string>
#include <string_view>

namespace flowlens::discovery_pterodactyl {

// "HTTP 401: Unauthenticated. (AuthenticationException)"; never longer than a log line should be.
std::string describe_error_answer(long status, std::string_view body);

// Why this status usually happens, in the operator's terms ("" when nothing useful to add).
std::string status_hint(long status);

}  // namespace flowlens::discovery_pterodactyl
