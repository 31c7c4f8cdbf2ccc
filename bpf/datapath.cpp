// SPDX-License-Identifier: BSD-2-Clause
#include "bpf/datapath.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <net/if.h>
#include <spdlog/spdlog.h>

#include <sys/random.h>

#include <bit>
#include <chrono>
#include <optional>

#include "bpf/default_route.h"
#include "bpf/jiffies_clock.h"
#include "bpf/libbpf_log.h"
#include "bpf/load_errors.h"
#include "bpf/pinning.h"
#include "bpf/skeleton.h"
#include "bpf/interface_lock.h"
#include "bpf/tc_attachment.h"
#include "flowlens.skel.h"

namespace flowlens::bpf {

struct Datapath::Impl {
  Skeleton<flowlens_bpf> skel;
  std::string interface;
  std::string pin_dir;
  bool pins_survive_restart = true;
  uint32_t map_size = 0;
  uint32_t tc_priority = 0;
  std::string clock;  // how packets are timed, e.g. "jiffies at HZ 250"
  std::optional<WatchedPorts> watched;
  std::optional<FlowMapReader> reader;
  std::optional<InterfaceLock> lock;  // held while attached: one daemon per interface
  std::optional<TcAttachment> tc;     // declared last: detached before the skeleton goes

  ~Impl() { detach(); }
  // A clean detach leaves nothing of ours, so the next run must not take a clsact it finds then
  // (another tool's) for one we left.
  void detach() noexcept {
    if (!tc) return;
    tc.reset();
    if (lock) lock->record_clsact(false);
  }
};

namespace {

// Chooses how the program times packets (see flowlens_now_ns) and says which, for the log.
std::string set_packet_clock(Skeleton<flowlens_bpf>& skel) {
  auto fitted = calibrate_jiffies_clock();
  if (fitted) {
    const JiffiesClock& c = fitted.value();
    skel->rodata->flowlens_jiffy_ns = c.tick_ns;
    skel->rodata->flowlens_jiffies_base = c.jiffies_base;
    skel->rodata->flowlens_mono_base_ns = c.mono_base_ns;
    return describe(c);
  }
  bool coarse =
      libbpf_probe_bpf_helper(BPF_PROG_TYPE_SCHED_CLS, BPF_FUNC_ktime_get_coarse_ns, nullptr) == 1;
  skel->rodata->flowlens_coarse_clock = coarse;
  std::string helper = coarse ? "bpf_ktime_get_coarse_ns" : "bpf_ktime_get_ns";
  spdlog::warn("{}; packets are timed with {} instead, about 20 ns more per packet",
               fitted.error().what(), helper);
  return helper;
}

Status configure(Skeleton<flowlens_bpf>& skel, const DatapathConfig& cfg, const std::string& pins,
                 std::string* clock) {
  if (int r = bpf_map__set_max_entries(skel->maps.flowlens_flows, cfg.map_size); r != 0)
    return make_error("configure", r, "cannot size the flow map");
  // Slots are indexed by hash & mask, so the count must be a power of two.
  uint32_t slots = std::bit_ceil(cfg.probation_size);
  if (int r = bpf_map__set_max_entries(skel->maps.flowlens_admit, slots); r != 0)
    return make_error("configure", r, "cannot size the probation map");
  skel->rodata->flowlens_probation_mask = slots - 1;
  uint32_t seed = 0;
  if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
    seed = static_cast<uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  skel->rodata->flowlens_hash_seed = seed;
  *clock = set_packet_clock(skel);
  if (pins.empty()) return ok_status();
  for (bpf_map* map :
       {skel->maps.flowlens_flows, skel->maps.flowlens_admit, skel->maps.flowlens_ports})
    if (auto s = prepare_map_pin(map, pins); !s) return s;
  return ok_status();
}

Status check_config(const DatapathConfig& cfg) {
  auto bad = [](std::string what) { return Error{"configure", EINVAL, std::move(what)}; };
  if (cfg.map_size == 0 || cfg.map_size > DatapathConfig::kMaxMapSize)
    return bad("ebpf_map_size " + std::to_string(cfg.map_size) + " is outside 1.." +
               std::to_string(DatapathConfig::kMaxMapSize));
  if (cfg.probation_size == 0 || cfg.probation_size > DatapathConfig::kMaxMapSize)
    return bad("probation map size " + std::to_string(cfg.probation_size) + " is outside 1.." +
               std::to_string(DatapathConfig::kMaxMapSize));
  if (cfg.tc_priority == 0 || cfg.tc_priority > kMaxTcPriority)
    return bad("tc_priority " + std::to_string(cfg.tc_priority) + " is outside 1.." +
               std::to_string(kMaxTcPriority));
  return ok_status();
}

}  // namespace

Result<Datapath> Datapath::open(const DatapathConfig& config) {
  route_libbpf_log_to_spdlog();
  if (auto s = check_config(config); !s) return s.error();
  if (auto s = check_privileges(); !s) return s.error();
  if (auto s = check_kernel_version(); !s) return s.error();

  auto impl = std::make_unique<Impl>();
  if (config.attach) {
    impl->interface = config.interface;
    if (impl->interface.empty()) {
      auto found = default_route_interface();
      if (!found) return found.error();
      impl->interface = found.value();
      spdlog::info("no interface configured: using {}, which carries the default route",
                   impl->interface);
    }
    // Checked before loading so the operator's most common mistake gets the plainest message.
    if (if_nametoindex(impl->interface.c_str()) == 0)
      return Error{"attach", ENODEV, "interface " + impl->interface + " does not exist"};
  }

  if (auto s = impl->skel.open(); !s) return s.error();
  impl->pin_dir = prepare_pin_dir(config.pin_dir, &impl->pins_survive_restart);
  if (auto s = configure(impl->skel, config, impl->pin_dir, &impl->clock); !s) return s.error();
  if (auto s = impl->skel.load(); !s) return explain_load_error(-s.error().err);
  impl->map_size = config.map_size;

  auto& maps = impl->skel->maps;
  if (bpf_map__value_size(maps.bss) != sizeof(flowlens_port_bitmap))
    return Error{"load", EINVAL, ".bss no longer holds exactly the watched-ports bitmap"};
  impl->watched.emplace(bpf_map__fd(maps.flowlens_ports), bpf_map__fd(maps.bss));
  impl->reader.emplace(bpf_map__fd(maps.flowlens_flows));
  // A reused pinned ports map already lists the servers; restore the bitmap packets test.
  if (auto s = impl->watched->sync_bitmap(); !s) return s.error();

  if (config.attach) {
    impl->tc_priority = config.tc_priority;
    auto lock = InterfaceLock::acquire(impl->interface);
    if (!lock) return lock.error();
    impl->lock.emplace(std::move(lock.value()));
    auto tc =
        TcAttachment::attach(impl->interface, bpf_program__fd(impl->skel->progs.flowlens_tc_in),
                             bpf_program__fd(impl->skel->progs.flowlens_tc_out), config.tc_priority,
                             impl->lock->previous_created_clsact());
    if (!tc) return tc.error();
    impl->tc.emplace(std::move(tc.value()));
    impl->lock->record_clsact(impl->tc->created_qdisc());
  }
  return Datapath(std::move(impl));
}

Datapath::Datapath(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Datapath::Datapath(Datapath&&) noexcept = default;
Datapath& Datapath::operator=(Datapath&&) noexcept = default;
Datapath::~Datapath() = default;

Status Datapath::set_watched(std::span<const model::Endpoint> endpoints) {
  return impl_->watched->replace(endpoints);
}
Status Datapath::set_watched(std::span<const WatchedEndpoint> endpoints) {
  return impl_->watched->replace(endpoints);
}
WatchedPorts& Datapath::watched() {
  return *impl_->watched;
}
model::FlowTable& Datapath::flows() {
  return *impl_->reader;
}
FlowMapReader& Datapath::flow_reader() {
  return *impl_->reader;
}

void Datapath::detach() noexcept {
  if (impl_) impl_->detach();
}

bool Datapath::attached() const {
  return impl_->tc.has_value() && impl_->tc->attached();
}

std::string Datapath::check_attachment(bool* reattached) {
  if (reattached) *reattached = false;
  if (!impl_->tc) return impl_->interface.empty() ? "" : "not attached";
  std::string problem = impl_->tc->problem();
  if (problem.empty()) return problem;
  // Another program in our place is left alone: taking it back would start a tug of war with
  // whatever put it there. A missing filter or a re-created interface is ours to repair.
  if (problem.starts_with("another program")) return problem;
  if (if_nametoindex(impl_->interface.c_str()) == 0) return problem;  // wait for it to return
  impl_->tc->forget();
  auto tc =
      TcAttachment::attach(impl_->interface, bpf_program__fd(impl_->skel->progs.flowlens_tc_in),
                           bpf_program__fd(impl_->skel->progs.flowlens_tc_out), impl_->tc_priority);
  if (!tc) return problem + "; attaching again failed: " + tc.error().what();
  impl_->tc.emplace(std::move(tc.value()));
  impl_->lock->record_clsact(impl_->tc->created_qdisc());
  if (reattached) *reattached = true;
  return "";
}
const std::string& Datapath::interface() const {
  return impl_->interface;
}
const std::string& Datapath::pin_dir() const {
  return impl_->pin_dir;
}
bool Datapath::pins_survive_restart() const {
  return !impl_->pin_dir.empty() && impl_->pins_survive_restart;
}
uint32_t Datapath::map_size() const {
  return impl_->map_size;
}
const std::string& Datapath::clock() const {
  return impl_->clock;
}

bool Datapath::kernel_answers() const {
  bpf_map_info info{};
  uint32_t len = sizeof(info);
  return bpf_obj_get_info_by_fd(flow_map_fd(), &info, &len) == 0;
}

int Datapath::program_fd(flowlens_direction dir) const {
  auto& progs = impl_->skel->progs;
  return bpf_program__fd(dir == FLOWLENS_DIR_IN ? progs.flowlens_tc_in : progs.flowlens_tc_out);
}
int Datapath::flow_map_fd() const {
  return bpf_map__fd(impl_->skel->maps.flowlens_flows);
}
int Datapath::probation_map_fd() const {
  return bpf_map__fd(impl_->skel->maps.flowlens_admit);
}
int Datapath::ports_map_fd() const {
  return bpf_map__fd(impl_->skel->maps.flowlens_ports);
}

Status Datapath::remove_pins(const std::string& pin_dir) {
  return bpf::remove_pins(pin_dir);
}

}  // namespace flowlens::bpf
