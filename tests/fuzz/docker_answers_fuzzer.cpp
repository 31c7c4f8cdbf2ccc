// SPDX-License-Identifier: BSD-2-Clause
// A Docker Engine answer to GET /containers/json (a list) or GET /containers/{id}/json (an
// object): parsed JSON -> the container facts the plugin maps servers from. Either facts or an
// AnswerError naming the field; published ports come out deduplicated and sorted.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <boost/json.hpp>

#include "discovery-docker/container_facts.h"
#include "fuzz_check.h"

namespace {

using namespace flowlens::discovery_docker;

void check(const ContainerFacts& f) {
  if (!std::is_sorted(f.published.begin(), f.published.end()) ||
      std::adjacent_find(f.published.begin(), f.published.end()) != f.published.end())
    flowlens::fuzz::fail("published ports of " + f.id + " not sorted and unique");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::system::error_code ec;
  const boost::json::value answer =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;  // get_json refuses it with the parser's message
  try {
    if (answer.is_array()) {
      for (const ContainerFacts& f : facts_from_list(answer)) check(f);
    } else {
      check(facts_from_inspect(answer));
    }
  } catch (const AnswerError& e) {
    // "container.Ports[2].PublicPort: ...", "container list[3]: ...", "inspect: ...": the
    // plugin's log names it.
    flowlens::fuzz::require_place(e.what(), std::array{"container", "inspect"});
  }
  return 0;
}
