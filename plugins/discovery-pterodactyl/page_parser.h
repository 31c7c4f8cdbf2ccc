/* SPDX-License-Identifier: BSD-2-Clause */
// One page of the Application API's list answers, as documented by the panel:
//   {"object":"list","data":[{"object":"server","attributes":{...,"relationships":
//     {"allocations":{"object":"list","data":[{"object":"allocation","attributes":{...}}]}}}}],
//    "meta":{"pagination":{"total":250,"count":100,"per_page":100,"current_page":1,
//                          "total_pages":3,"links":{"next":"..."}}}}
// Every departure from that shape is a PanelFormatError naming the place; a null_resource where
// the allocations belong is AllocationsDeniedError.
#pragma once

#include <string_view>

#include "panel_model.h"

namespace flowlens::discovery_pterodactyl {

ServerPage parse_server_page(std::string_view body);
NodePage parse_node_page(std::string_view body);

}  // namespace flowlens::discovery_pterodactyl
