/* SPDX-License-Identifier: BSD-2-Clause */
// The node uuid from the local Wings config (/etc/pterodactyl/config.yml; Pelican's Wings uses
// /etc/pelican/config.yml). Only the top-level `uuid:` line is read: the file also holds the
// node's daemon token, which this plugin has no business parsing or keeping.
#pragma once

#include <istream>
#include <optional>
#include <string>

namespace flowlens::discovery_pterodactyl {

// The value of the top-level `uuid:` key, unquoted; nullopt when there is none.
std::optional<std::string> read_wings_uuid(std::istream& in);

// The same from a file. nullopt when the file does not exist (no Wings on this host); any other
// failure to read it throws std::runtime_error naming the file and the cause.
std::optional<std::string> read_wings_uuid_file(const std::string& path);

}  // namespace flowlens::discovery_pterodactyl
