/* SPDX-License-Identifier: BSD-2-Clause */
// One push as StatsD lines: per server its gauges and its bytes counter, then the node totals.
// Pure: no sockets, no clock, so every dialect is checked byte for byte in the tests.
#pragma once

#include "sample.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flowlens::statsd {

// How a server's labels travel. kNone sends none: the server id in the name is the identity.
enum class TagDialect {
  kNone,       // flowlens.mc.active_players:3|g
  kDogStatsd,  // flowlens.mc.active_players:3|g|#game:minecraft
  kInflux,     // flowlens.mc.active_players,game=minecraft:3|g   (InfluxDB / Telegraf)
  kGraphite,   // flowlens.mc.active_players;game=minecraft:3|g   (Graphite 1.1 tagged series)
};

using Tags = std::vector<std::pair<std::string, std::string>>;

// One metric line, without a newline. `value` is unsigned: a gauge is always absolute, never a
// "+N"/"-N" delta, and a counter never goes back.
std::string format_line(std::string_view name, const Tags& tags, TagDialect dialect, uint64_t value,
                        std::string_view type);

struct LineOptions {
  std::string prefix = "flowlens";
  TagDialect dialect = TagDialect::kNone;
  // Labels sent as tags; nullopt sends every label.
  std::optional<std::set<std::string>> labels;
};

struct RenderedPush {
  std::vector<std::string> lines;
  // Servers left out because their sanitized name is another server's: id pairs, for the log.
  std::vector<std::pair<std::string, std::string>> name_clashes;
};

// Keeps what the next push needs: each server's byte total at the previous push.
class LineRenderer {
 public:
  explicit LineRenderer(LineOptions options) : options_(std::move(options)) {}

  // Per known server: <prefix>.<id>.active_players|g, .unique_ips|g, .known 1|g, and .bytes|c
  // with the bytes since the previous push (nothing on the first push of a server, or when its
  // total fell because flows expired). Per unknown server only .known 0|g: no player gauge, so
  // StatsD cannot show an unknown server as empty. Then <prefix>.node_active_players (sum over
  // known servers; left out when every server is unknown) and <prefix>.node_unknown_servers.
  RenderedPush render(const Samples& servers);

 private:
  std::string name(std::string_view server_segment, std::string_view metric) const;
  Tags tags_of(const ServerSample& server) const;

  LineOptions options_;
  std::map<std::string, uint64_t> last_bytes_;  // by server id; only servers known last push
};

}  // namespace flowlens::statsd
