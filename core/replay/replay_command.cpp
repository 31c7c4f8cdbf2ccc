// SPDX-License-Identifier: BSD-2-Clause
#include "replay/replay_command.h"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "estimator/config_keys.h"
#include "model/server_spec.h"
#include "replay/pcap_reader.h"
#include "replay/replay_runner.h"

namespace flowlens::replay {

namespace {

struct CommandArgs {
  std::string pcap;
  std::vector<std::string> servers;
  std::string explain;
  std::vector<std::string> overrides;
  std::string log_level = "warn";
};

std::string option_help() {
  std::string s = "Override an estimator threshold (repeatable). Keys:";
  for (const auto& k : estimator::config_keys())
    s += "\n  " + std::string(k.name) + " (default " +
         fmt::format("{:g}", k.get(estimator::EstimatorConfig{})) + "): " + std::string(k.meaning);
  return s;
}

// The process's logger (stderr, in flowlensd's one format) at the level asked for: stdout
// carries the JSON Lines.
void set_log_level(const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw std::invalid_argument("--log-level " + level +
                                ": expected trace, debug, info, warn, error or off");
  spdlog::set_level(lvl);
}

int run(const CommandArgs& a) {
  ReplayOptions opts;
  opts.pcap_path = a.pcap;
  opts.explain_server = a.explain;
  opts.servers = model::parse_server_specs(a.servers);
  for (const auto& o : a.overrides) estimator::apply_config_override(opts.config, o);
  set_log_level(a.log_level);
  ReplayResult r = run_replay(opts, std::cout, std::cerr);
  if (r.skipped_frames > 0 || r.time_jumps > 0)
    spdlog::warn(
        "capture time jumps by more than {} s: {} frame(s) with a timestamp far past the others "
        "dropped, {} jump(s) resumed without writing the seconds in between",
        kMaxTickGapSeconds, r.skipped_frames, r.time_jumps);
  if (!r.warning.empty())
    spdlog::warn("{} (after {} frames; the {} ticks before it were written)", r.warning, r.frames,
                 r.ticks);
  return 0;
}

}  // namespace

void register_replay_command(CLI::App& app) {
  auto args = std::make_shared<CommandArgs>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Estimate players from a capture (tcpdump -w) instead of the live kernel map: one JSON "
      "line per second of capture time on stdout");
  cmd->add_option("--pcap", args->pcap, "Capture file: pcap or pcapng, Ethernet")->required();
  cmd->add_option("--server", args->servers,
                  "A game server: ID=PORT/PROTO[,PORT/PROTO...], e.g. cs=27015/udp (repeatable)")
      ->required();
  cmd->add_option("--explain", args->explain,
                  "Print to stderr, per tick, each endpoint of this server whose decision changed "
                  "(counted or not, and why)");
  cmd->add_option("--estimator-option", args->overrides, option_help());
  cmd->add_option("--log-level", args->log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  cmd->callback([args] {
    int rc = 0;
    try {
      rc = run(*args);
    } catch (const std::exception& e) {
      // flowlensd logs it, whatever --log-level says.
      throw CLI::RuntimeError(std::string("replay: ") + e.what(), 1);
    }
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace flowlens::replay
