/* SPDX-License-Identifier: BSD-2-Clause */
// What the plugin needs to know about one container, read from either shape the Engine gives:
// an entry of GET /containers/json (no hostname, no environment) or GET /containers/{id}/json
// (everything). Both parsers are tolerant of fields they do not use and strict about the ones
// they do: a wrong type is an error naming the field, never a crash.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace flowlens::discovery_docker {

struct PublishedPort {
  uint16_t port = 0;  // the host side (PublicPort / HostPort)
  bool udp = false;
  auto operator<=>(const PublishedPort&) const = default;
};

// Only in the inspect answer; cached by container id.
struct InspectDetails {
  std::string hostname;
  std::map<std::string, std::string> env;  // "K=V" entries; a later duplicate wins
  std::vector<PublishedPort> exposed;      // Config.ExposedPorts ("27015/udp": {})
};

struct ContainerFacts {
  std::string id;
  std::string name;          // without the leading '/'
  std::string state;         // "running", "paused", ...
  std::string network_mode;  // "host" matters: such a container publishes nothing
  std::map<std::string, std::string> labels;
  std::vector<PublishedPort> published;   // deduplicated, sorted
  std::optional<InspectDetails> details;  // set when read from inspect
  bool host_network() const { return network_mode == "host"; }
};

// A field of an Engine answer was missing or of the wrong type.
class AnswerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One entry of the /containers/json array. Throws AnswerError.
ContainerFacts facts_from_list_entry(const boost::json::value& entry);
// The whole /containers/json answer. Throws AnswerError naming the entry index.
std::vector<ContainerFacts> facts_from_list(const boost::json::value& answer);
// The /containers/{id}/json answer. Throws AnswerError.
ContainerFacts facts_from_inspect(const boost::json::value& answer);

}  // namespace flowlens::discovery_docker
