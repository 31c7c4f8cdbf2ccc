/* SPDX-License-Identifier: BSD-2-Clause */
// What a Pelican webhook asks for. Pelican POSTs the changed model's attributes plus "event"
// ("updated: Server", "created: Allocation"; older panels send the class in the X-Webhook-Event
// header instead). It signs nothing and never retries a failed delivery, so a webhook is only
// a hint to resync now, never state: the panel's answer to that resync is what gets published.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace flowlens::discovery_pterodactyl {

struct ResyncHint {
  // Set: re-read that one server (by uuid). Unset: re-read the whole list (an allocation, a
  // node, or anything whose server cannot be told from the body).
  std::optional<std::string> server_uuid;
};

// Throws std::invalid_argument when the body is not a JSON object (answered 400).
ResyncHint parse_webhook(std::string_view event_header, std::string_view body);

}  // namespace flowlens::discovery_pterodactyl
