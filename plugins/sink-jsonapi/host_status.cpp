// SPDX-License-Identifier: BSD-2-Clause
#include "snapshot.h"

#include <boost/json/parse.hpp>

namespace flowlens::jsonapi {

std::optional<bool> HostStatus::bpf_attached() const {
  const auto* v = fields.if_contains("bpf_attached");
  if (v == nullptr || !v->is_bool()) return std::nullopt;
  return v->get_bool();
}

HostStatus parse_host_status(std::string_view json_text) {
  HostStatus status;
  if (json_text.empty()) return status;  // the host offers no health_json
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json_text, ec);
  // A host bug must not take /health down with it: show nulls, as for an older host.
  if (!ec && v.is_object()) status.fields = std::move(v.get_object());
  return status;
}

}  // namespace flowlens::jsonapi
