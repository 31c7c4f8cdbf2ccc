/* SPDX-License-Identifier: BSD-2-Clause */
// What the host tells the plugin: one tick's estimates (the SDK's own types, ABI 1.2 with name
// and labels) and the daemon's health.
#pragma once

#include <flowlens/sdk/host.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

namespace flowlens::jsonapi {

// `known` is false unless the host says otherwise: rendered as status "unknown" and
// active_players null, never 0, because operators' scripts act on a 0.
using ServerEstimate = sdk::ServerEstimate;
using Snapshot = sdk::Snapshot;

// What /health shows about the daemon: the object the host's health_json returned (ABI 1.1;
// fields documented in flowlens/plugin.h). Empty when the host is older or its text was not a
// JSON object; the renderer then shows null for each daemon field, so a reader can tell "not
// attached" from "not reported".
struct HostStatus {
  boost::json::object fields;

  // The host's "bpf_attached", or nullopt when it did not say.
  std::optional<bool> bpf_attached() const;
};

// Parses the host's health text. Anything but a JSON object yields an empty status.
HostStatus parse_host_status(std::string_view json_text);

}  // namespace flowlens::jsonapi
