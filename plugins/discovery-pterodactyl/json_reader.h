/* SPDX-License-Identifier: BSD-2-Clause */
// Small typed reads from a Boost.JSON answer whose failures name the place in the document
// ("data[3].attributes.node: expected an integer, got 'x'"), shared by the page parsers.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowlens::discovery_pterodactyl::json_reader {

// Parses a whole answer; a syntax error or a truncated body becomes PanelFormatError.
boost::json::value parse_document(std::string_view body);

const boost::json::object& object_at(const boost::json::value& v, const std::string& where);
const boost::json::array& array_at(const boost::json::object& o, std::string_view key,
                                   const std::string& where);
const boost::json::object& member_object(const boost::json::object& o, std::string_view key,
                                         const std::string& where);
int64_t member_int(const boost::json::object& o, std::string_view key, const std::string& where);
std::optional<int64_t> member_optional_int(const boost::json::object& o, std::string_view key,
                                           const std::string& where);
std::string member_string(const boost::json::object& o, std::string_view key,
                          const std::string& where);
// null or absent -> nullopt; numbers are taken as their text (external ids are free-form).
std::optional<std::string> member_optional_string(const boost::json::object& o,
                                                  std::string_view key, const std::string& where);

}  // namespace flowlens::discovery_pterodactyl::json_reader
