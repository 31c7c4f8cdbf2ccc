#include "daemon/jsonl_output.h"

#include <boost/json.hpp>

namespace flowlens::daemon {

void write_jsonl_tick(std::ostream& out, const model::Snapshot& snapshot) {
  boost::json::array servers;
  servers.reserve(snapshot.servers.size());
  for (const auto& s : snapshot.servers) {
    boost::json::object o;
    o["server_id"] = s.server_id;
    if (s.known) {
      o["active_players"] = s.active_players;
    } else {
      o["active_players"] = nullptr;
      o["status"] = "unknown: " + s.unknown_reason;
    }
    o["unique_ips"] = s.unique_ips.size();
    o["total_bytes"] = s.total_bytes;
    servers.push_back(std::move(o));
  }
  boost::json::object line;
  line["t"] = static_cast<double>(snapshot.timestamp_unix_ms) / 1000.0;
  line["servers"] = std::move(servers);
  // One flush per line: a pipe reader (jq, a test) sees each tick as it happens.
  out << boost::json::serialize(line) << std::endl;
}

}  // namespace flowlens::daemon
