// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/run_command.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "daemon/daemon.h"
#include "daemon/run_options.h"
#include "model/server_spec.h"

namespace flowlens::daemon {

namespace {

// CLI11 fills optionals through these plain holders; std::optional keeps "not given" distinct
// from a value that equals the default.
template <typename T>
void add_optional(CLI::App* cmd, const std::string& flag, std::optional<T>& target,
                  const std::string& help) {
  cmd->add_option_function<T>(
      flag, [&target](const T& v) { target = v; }, help);
}

}  // namespace

void register_run_command(CLI::App& app) {
  auto opts = std::make_shared<RunOptions>();
  auto specs = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd = app.add_subcommand("run", "Attach to the interface and estimate players live");
  cmd->footer(
      "Examples:\n"
      "  flowlensd run                                   # /etc/flowlens/conf.d, default-route "
      "interface\n"
      "  flowlensd run --interface eth0 --server mc=25565/tcp --jsonl\n"
      "  flowlensd run --config /etc/flowlens/config.yaml   # original FlowLens config\n"
      "\n"
      "SIGHUP reloads the configuration: changed plugin instances restart, estimator keys apply\n"
      "from the next tick, the program stays attached. An invalid configuration is refused\n"
      "(errors logged as check-config prints them) and the running one kept; interface,\n"
      "ebpf_map_size, tc_priority, pin_dir, plugin_dir and user need a restart. Then every\n"
      "instance that did not restart re-reads the files it read at start: the HTTP sinks' TLS\n"
      "certificate and key, api_key_file and bearer_token_file (one that does not load is\n"
      "refused and the old one kept); other plugins' secret files are read at start only.\n"
      "SIGINT and SIGTERM stop.\n"
      "\n"
      "Once attached it keeps only CAP_NET_ADMIN (attaching again), CAP_BPF where the kernel\n"
      "wants it for every bpf() call, CAP_NET_BIND_SERVICE while a plugin listens below 1024;\n"
      "core.user makes it become that user first.");
  cmd->add_option("--conf-dir", opts->conf_dir,
                  "Directory of *.yaml merged in name order (default /etc/flowlens/conf.d)");
  cmd->add_option("--config", opts->config_file,
                  "One config file instead of --conf-dir: conf.d format or the original "
                  "FlowLens config.yaml");
  cmd->add_option("--server", *specs,
                  "A server to watch, ID=PORT/PROTO[,PORT/PROTO...], ranges as 27015-27016/udp; "
                  "repeatable")
      ->type_name("ID=PORT/PROTO");
  cmd->add_flag("--jsonl", opts->jsonl, "Print each tick's estimates as one JSON line on stdout");
  add_optional(cmd, "-i,--interface", opts->interface,
               "Interface to attach to (default: config, else the default-route interface)");
  add_optional(cmd, "--plugin-dir", opts->plugin_dir, "Where plugin .so files are looked up");
  add_optional(cmd, "--pin-dir", opts->pin_dir, "bpffs directory for the pinned maps");
  add_optional(cmd, "--log-level", opts->log_level,
               "trace, debug, info, warn, error or off (debug: a line as each tick begins)");
  add_optional(cmd, "--map-size", opts->map_size, "Flow map capacity (config: ebpf_map_size)");
  add_optional(cmd, "--interval", opts->interval_seconds,
               "Seconds between estimates (config: metrics_interval)");
  cmd->callback([opts, specs] {
    try {
      opts->servers = model::parse_server_specs(*specs);
    } catch (const model::SpecError& e) {
      throw CLI::ValidationError("--server", e.what());
    }
    int status = run_daemon(*opts);
    if (status != 0) throw CLI::RuntimeError(status);
  });
}

}  // namespace flowlens::daemon
