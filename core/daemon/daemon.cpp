// SPDX-License-Identifier: BSD-2-Clause
#include "daemon/daemon.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>

#include "bpf/datapath.h"
#include "config/estimator_section.h"
#include "config/plugin_availability.h"
#include "daemon/config_reload.h"
#include "daemon/health.h"
#include "daemon/host_services_impl.h"
#include "daemon/jsonl_output.h"
#include "bpf/probation_reader.h"
#include "daemon/kernel_clock.h"
#include "daemon/logging.h"
#include "daemon/plugin_set.h"
#include "daemon/run_config.h"
#include "daemon/run_privileges.h"
#include "daemon/service_notifier.h"
#include "daemon/tick_pipeline.h"
#include "daemon/version.h"
#include "estimator/estimator.h"
#include "registry/server_registry.h"

namespace flowlens::daemon {

namespace {

// The discovery source name of the servers given with --server.
constexpr const char* kCliSource = "cli";

int64_t wall_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string summary(const model::Snapshot& s) {
  std::string out;
  for (const auto& e : s.servers) {
    if (!out.empty()) out += ", ";
    out += e.server_id + "=" + (e.known ? std::to_string(e.active_players) : "unknown");
  }
  return out.empty() ? "no servers" : out;
}

// The one line `systemctl status` shows: how many servers and players, and how many unknown.
std::string service_status(const model::Snapshot& s) {
  size_t players = 0, unknown = 0;
  for (const auto& e : s.servers) {
    if (e.known)
      players += e.active_players;
    else
      ++unknown;
  }
  std::string out = "watching " + std::to_string(s.servers.size()) + " servers, " +
                    std::to_string(players) + " players";
  if (unknown > 0) out += " (" + std::to_string(unknown) + " unknown)";
  return out;
}

class Daemon {
 public:
  Daemon(const RunOptions& opts, config::Config cfg, bpf::Datapath datapath,
         estimator::EstimatorConfig est_cfg)
      : opts_(opts),
        cfg_(std::move(cfg)),
        datapath_(std::move(datapath)),
        estimator_(est_cfg),
        services_(registry_, cfg_.core.discovery_interval),
        plugins_(services_),
        pipeline_(
            registry_, datapath_.flows(), estimator_,
            [this](const std::vector<model::Endpoint>& eps) { return watch(eps); },
            datapath_.map_size(),
            [this](plugin_host::Event e) {
              spdlog::info("{}", e.message);
              plugins_.post_event(e);
            }),
        signals_(io_, SIGINT, SIGTERM, SIGHUP),
        timer_(io_),
        watchdog_timer_(io_),
        notifier_(ServiceNotifier::from_environment()),
        interval_(cfg_.core.metrics_interval),
        reload_(
            opts_, cfg_, plugins_, services_,
            [this](LoopChanges c) {
              boost::asio::post(io_, [this, c = std::move(c)] { apply(c); });
            },
            [this](bool reloading) {
              boost::asio::post(io_, [this, reloading] { notify_reload(reloading); });
            }) {
    bpf_attached_.store(datapath_.attached());
    if (clock_.offset_ns() != 0)
      spdlog::info(
          "this time namespace's CLOCK_MONOTONIC is {:.3f} s off the kernel's: flows are aged by "
          "the kernel's",
          static_cast<double>(clock_.offset_ns()) / 1e9);
  }

  int run() {
    if (!opts_.servers.empty()) registry_.replace_all(kCliSource, opts_.servers);
    services_.set_event_handler([this](const plugin_host::Event& e) { plugins_.post_event(e); });
    services_.set_health_provider([this] { return health_json(); });
    // A discovery change reaches the kernel's watched ports within the loop's latency, not at
    // the next tick. Changes arriving while one is queued ride along with it.
    services_.set_registry_listener([this] {
      if (follow_queued_.exchange(true)) return;
      boost::asio::post(io_, [this] {
        follow_queued_.store(false);
        try {
          if (pipeline_.follow_registry())
            publish(pipeline_.amend(services_.latest_snapshot(), clock_.now_ns(), wall_unix_ms()));
        } catch (const std::exception& e) {
          spdlog::error("applying a discovery change failed: {} (the next tick retries)", e.what());
        }
      });
    });
    start_plugins();
    if (!has_work()) {
      plugins_.stop_all();
      datapath_.detach();
      bpf_attached_.store(false);
      return 1;
    }
    // Attached (run_daemon did that before) and every plugin started: the service is up.
    notifier_.status("started; first estimate in " +
                     std::to_string(cfg_.core.metrics_interval.count()) + " ms");
    notifier_.ready();
    wait_for_signal();
    next_tick_ = std::chrono::steady_clock::now();
    schedule();
    ping_watchdog();
    io_.run();
    reload_.stop();
    plugins_.stop_all();
    datapath_.detach();
    bpf_attached_.store(false);
    if (datapath_.pins_survive_restart())
      spdlog::info("pinned maps kept in {}: a restart continues from these counts",
                   datapath_.pin_dir());
    else if (!datapath_.pin_dir().empty())
      spdlog::info("pinned maps in {} go with this mount namespace: the next run starts from zero",
                   datapath_.pin_dir());
    return 0;
  }

 private:
  void start_plugins() {
    auto installed = config::list_installed_plugins(cfg_.core.plugin_dir);
    auto selection = config::select_available_plugins(cfg_, installed);
    for (const auto& w : selection.warnings) spdlog::warn("{}", w);
    plugins_.start_all(selection.to_load, cfg_.core.plugin_dir);
  }

  // A daemon with nothing to watch or nobody to tell would run quietly and help no one.
  bool has_work() const {
    config::PluginRoles roles = plugins_.roles();
    roles.servers_on_command_line = !opts_.servers.empty();
    roles.jsonl_output = opts_.jsonl;
    const auto errors = config::missing_role_errors(roles, config::RolesContext::kRun);
    for (const auto& e : errors) log_fatal(e);
    return errors.empty();
  }

  // Stopping the loop itself, not only the timer: a tick completion already queued (after a stall
  // longer than an interval: SIGSTOP, a VM pause, swap) would otherwise run and re-arm the timer,
  // and the signal, waited for once, would never be heard again.
  void wait_for_signal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
      if (ec) return;
      if (signo == SIGHUP) {
        reload_.request();
        wait_for_signal();
        return;
      }
      spdlog::info("received {}, shutting down", signo == SIGINT ? "SIGINT" : "SIGTERM");
      notifier_.stopping();
      io_.stop();
    });
  }

  // A reload's share of the loop, between two ticks: the estimator's thresholds count from the
  // next tick, a new interval from the next scheduling.
  void apply(const LoopChanges& c) {
    if (c.estimator) estimator_.set_config(*c.estimator);
    if (c.metrics_interval) interval_ = *c.metrics_interval;
  }

  // The service manager hears of a reload here, on the loop (the notifier's one thread):
  // RELOADING=1 when it begins, READY=1 once it is applied or refused.
  void notify_reload(bool reloading) {
    if (reloading)
      notifier_.reloading();
    else
      notifier_.ready();
  }

  // What every sink reads next: through the host API (latest_snapshot) and its delivery thread.
  void publish(const model::SnapshotPtr& snapshot) {
    services_.publish_snapshot(snapshot);
    plugins_.post_snapshot(snapshot);
  }

  // Asks the kernel whether our programs are still attached (an interface deleted and created
  // again, a filter removed or replaced by another tool) and attaches again where it can. Says
  // so once per change, not once per tick. Returns "" when attached, else why not.
  std::string check_attachment() {
    bool reattached = false;
    std::string problem = datapath_.check_attachment(&reattached);
    if (reattached) spdlog::info("attached to {} again", datapath_.interface());
    if (problem != attach_problem_) {
      if (!problem.empty())
        spdlog::warn("{}: every estimate is unknown until it is attached again", problem);
      else if (!reattached)
        spdlog::info("attached to {} as before", datapath_.interface());
      attach_problem_ = problem;
    }
    return problem;
  }

  // Retried each tick while it fails (the servers stay as they were); said once per reason.
  bool watch(const std::vector<model::Endpoint>& endpoints) {
    auto st = datapath_.set_watched(endpoints);
    std::string problem = st ? "" : st.error().what();
    if (problem != watch_problem_) {
      if (!problem.empty())
        spdlog::error("updating the watched ports failed: {}; the previous servers stay watched",
                      problem);
      else
        spdlog::info("watched ports updated again");
      watch_problem_ = std::move(problem);
    }
    return static_cast<bool>(st);
  }

  void schedule() {
    // Fixed cadence from the first tick: a slow tick delays the next one, never shifts them all.
    next_tick_ += interval_;
    timer_.expires_at(next_tick_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: shutting down
      tick();
      schedule();
    });
  }

  // From the loop itself, so a loop stuck in a tick or a callback stops pinging and the service
  // manager restarts the daemon.
  void ping_watchdog() {
    const auto interval = notifier_.watchdog_interval();
    if (!interval) return;
    notifier_.watchdog();
    watchdog_timer_.expires_after(*interval);
    watchdog_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) ping_watchdog();
    });
  }

  void tick() {
    // With "players: ..." below, brackets a tick in a debug log: what a crash or a kill
    // interrupted.
    spdlog::debug("tick begins");
    auto started = std::chrono::steady_clock::now();
    model::SnapshotPtr snapshot;
    const std::string blind = check_attachment();
    try {
      snapshot = pipeline_.step(clock_.now_ns(), wall_unix_ms(), blind);
    } catch (const std::exception& e) {
      // Keep the last good snapshot published; the next tick tries again.
      spdlog::error("tick failed: {}", e.what());
      return;
    }
    publish(snapshot);
    notifier_.status(service_status(*snapshot));
    // For health_json, read on plugin threads: plain stores here, no lock on the tick path.
    last_flows_.store(pipeline_.last_flow_count());
    watch_probation();
    bpf_attached_.store(blind.empty());
    last_tick_ns_.store(steady_ns(std::chrono::steady_clock::now()));
    plugins_.warn_event_drops();
    if (opts_.jsonl) write_jsonl_tick(std::cout, *snapshot);
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    last_tick_us_.store(static_cast<int64_t>(ms * 1000));
    spdlog::info("players: {} ({} flows, tick {:.1f} ms)", summary(*snapshot),
                 pipeline_.last_flow_count(), ms);
  }

  // New one-packet flows since the last tick. A spoofed-source flood never reaches the flow map
  // (a flow enters it with its second packet), so the counted players are kept; this says it
  // is happening, once when it starts and once when it ends.
  void watch_probation() {
    const uint64_t now = clock_.now_ns();
    const uint64_t span = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(interval_).count());
    auto read = probation_.waiting_since(now > span ? now - span : 0);
    if (!read) return;  // no figure this tick; the flow map is what counts players
    const uint32_t waiting = read.value();
    last_one_packet_flows_.store(waiting);
    const bool flood = waiting >= probation_.capacity() / 2;
    if (flood != flood_) {
      if (flood)
        spdlog::warn(
            "flood of one-packet flows (spoofed sources or a scan): {} new sources in the last "
            "tick fill the probation map's {} slots; players already counted are kept, new "
            "players may take longer to be seen",
            waiting, probation_.capacity());
      else
        spdlog::info("the flood of one-packet flows is over ({} in the last tick)", waiting);
      flood_ = flood;
    }
  }

  // Called from plugin threads (a sink's HTTP server): reads only atomics, members fixed since
  // construction, and PluginSet, which locks its own list.
  std::string health_json() const {
    const auto now = std::chrono::steady_clock::now();
    DaemonHealth h;
    h.version = kVersion;
    h.uptime_seconds = std::chrono::duration<double>(now - started_).count();
    h.bpf_attached = bpf_attached_.load();
    h.interface = datapath_.interface();
    if (const int64_t tick = last_tick_ns_.load(); tick != kNoTick) {
      h.last_tick_age_seconds = static_cast<double>(steady_ns(now) - tick) / 1e9;
    }
    if (const int64_t us = last_tick_us_.load(); us >= 0) h.tick_duration_seconds = us / 1e6;
    h.flows = last_flows_.load();
    h.map_capacity = datapath_.map_size();
    h.one_packet_flows = last_one_packet_flows_.load();
    h.probation_capacity = probation_.capacity();
    h.plugins = plugins_.health();
    const auto statuses = services_.statuses();
    for (auto& p : h.plugins) {
      if (auto it = statuses.find(p.instance); it != statuses.end()) {
        p.status = it->second.status;
        p.detail = it->second.detail;
        if (!it->second.failure.empty()) {
          p.state = plugin_host::to_string(plugin_host::InstanceState::kFailed);
          p.error = it->second.failure;
        }
      }
    }
    return to_json(h);
  }

  static int64_t steady_ns(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  }
  static constexpr int64_t kNoTick = -1;

  const RunOptions& opts_;
  const KernelClock clock_;  // what flows are aged by: the kernel program's clock
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  config::Config cfg_;
  bpf::Datapath datapath_;
  bpf::ProbationReader probation_{datapath_.probation_map_fd()};
  estimator::Estimator estimator_;
  registry::ServerRegistry registry_;
  HostServicesImpl services_;
  PluginSet plugins_;
  TickPipeline pipeline_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer timer_;
  boost::asio::steady_timer watchdog_timer_;
  ServiceNotifier notifier_;
  std::chrono::steady_clock::time_point next_tick_;
  std::atomic<bool> bpf_attached_{false};
  std::atomic<bool> follow_queued_{false};  // a registry follow is posted and has not run yet
  std::string attach_problem_;              // the last one logged; the loop thread only
  std::string watch_problem_;               // likewise, for the watched ports
  bool flood_ = false;                      // at the last tick; the loop thread only
  std::atomic<uint32_t> last_one_packet_flows_{0};
  std::atomic<int64_t> last_tick_ns_{kNoTick};  // steady clock of the last good tick
  std::atomic<uint64_t> last_flows_{0};
  std::atomic<int64_t> last_tick_us_{-1};  // how long the last tick took; -1 before it
  std::chrono::milliseconds interval_;     // core.metrics_interval; the loop thread's own
  // Last: its thread posts to io_ and drives plugins_, so it goes first.
  ConfigReload reload_;
};

}  // namespace

int run_daemon(const RunOptions& opts) {
  config::Config cfg;
  estimator::EstimatorConfig est_cfg;
  try {
    setup_logging(opts.log_level.value_or(std::string(config::kDefaultLogLevel)));
    cfg = load_run_config(opts);
    setup_logging(cfg.core.log_level);
    est_cfg = config::estimator_config_from(cfg);
  } catch (const config::ConfigError& e) {
    for (const auto& m : e.messages()) log_fatal(m);
    return 2;
  } catch (const std::invalid_argument& e) {
    log_fatal(e.what());
    return 2;
  }
  for (const auto& w : cfg.warnings) spdlog::warn("{}", w);

  bpf::DatapathConfig dp_cfg;
  dp_cfg.interface = cfg.core.interface;
  dp_cfg.map_size = cfg.core.ebpf_map_size;
  dp_cfg.pin_dir = cfg.core.pin_dir;
  dp_cfg.tc_priority = cfg.core.tc_priority;
  auto datapath = bpf::Datapath::open(dp_cfg);
  if (!datapath) {
    log_fatal(datapath.error().what());
    return 1;
  }
  spdlog::info("attached to {} (flow map {} entries, packets timed by {}, tick every {} ms)",
               datapath.value().interface(), datapath.value().map_size(), datapath.value().clock(),
               cfg.core.metrics_interval.count());
  // Before any thread exists (the reload thread, the plugins'): capabilities belong to threads.
  if (!keep_running_privileges(cfg, datapath.value())) return 1;
  Daemon daemon(opts, std::move(cfg), std::move(datapath.value()), est_cfg);
  return daemon.run();
}

}  // namespace flowlens::daemon
