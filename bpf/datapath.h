/* SPDX-License-Identifier: BSD-2-Clause */
// The daemon's one handle on the kernel side: loads the embedded program, pins its maps, attaches
// it to an interface, and exposes the watched-ports set and the flow table. Destroying it (or
// detach()) removes the TC filters; pinned maps stay so the next start keeps the counts.
//
//   auto dp = flowlens::bpf::Datapath::open(cfg);           // open -> configure -> load -> attach
//   if (!dp) { spdlog::error("{}", dp.error().what()); return 1; }
//   dp.value().set_watched(endpoints);                      // whenever discovery changes
//   dp.value().flows().read_all(records);                   // every tick
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "bpf/flow_map_reader.h"
#include "bpf/result.h"
#include "bpf/watched_ports.h"
#include "flowlens.h"
#include "model/flow_record.h"
#include "model/server.h"

namespace flowlens::bpf {

struct DatapathConfig {
  // Empty: the interface carrying the default route (default_route_interface()).
  static constexpr const char* kDefaultInterface = "";
  // `ebpf_map_size` of the original config; an entry costs about 200 bytes of kernel memory.
  static constexpr uint32_t kDefaultMapSize = FLOWLENS_DEFAULT_FLOW_ENTRIES;
  // Slots for new flows waiting for their second packet (rounded up to a power of two); a flood
  // churns only these.
  static constexpr uint32_t kDefaultProbationSize = FLOWLENS_DEFAULT_PROBATION_ENTRIES;
  static constexpr const char* kDefaultPinDir = FLOWLENS_PIN_DIR;
  static constexpr bool kDefaultAttach = true;
  static constexpr uint32_t kMaxMapSize = FLOWLENS_MAX_FLOW_ENTRIES;
  static constexpr uint32_t kDefaultTcPriority = FLOWLENS_DEFAULT_TC_PRIORITY;

  std::string interface = kDefaultInterface;        // network interface to attach to
  uint32_t map_size = kDefaultMapSize;              // max entries of the flow map
  uint32_t probation_size = kDefaultProbationSize;  // max entries of the probation map
  std::string pin_dir = kDefaultPinDir;       // "" keeps maps unpinned (they die with the process)
  bool attach = kDefaultAttach;               // false: load only, for tests and benchmarks
  uint32_t tc_priority = kDefaultTcPriority;  // our filters' TC priority, 1..65535
};

class Datapath {
 public:
  // Every failure is one Error naming the step (privileges, kernel, open, configure, load,
  // attach) and the cause; the caller logs it once.
  static Result<Datapath> open(const DatapathConfig& config);

  Datapath(Datapath&&) noexcept;
  Datapath& operator=(Datapath&&) noexcept;
  Datapath(const Datapath&) = delete;
  Datapath& operator=(const Datapath&) = delete;
  ~Datapath();

  // Replaces the watched (port, protocol) set; ports not in it are no longer counted.
  Status set_watched(std::span<const model::Endpoint> endpoints);
  Status set_watched(std::span<const WatchedEndpoint> endpoints);
  WatchedPorts& watched();

  // The kernel's flow map, read with bpf_map_lookup_batch.
  model::FlowTable& flows();
  FlowMapReader& flow_reader();

  // Removes the TC filters now (also done by the destructor). Maps and counts stay.
  void detach() noexcept;

  bool attached() const;

  // Checks that the programs are still attached and ours (another tool may have removed or
  // replaced them; a Docker bridge or VM tap may have been deleted and re-created) and attaches
  // again where the interface exists. Returns "" when attached, else why not, for the estimates'
  // unknown reason. `reattached` is set when this call attached again.
  std::string check_attachment(bool* reattached);
  const std::string& interface() const;  // "" when loaded without attaching
  const std::string& pin_dir() const;    // "" when running unpinned
  // The maps are pinned where the next run will find them (not in a private mount namespace).
  bool pins_survive_restart() const;
  uint32_t map_size() const;
  // How the program times packets: "jiffies at HZ N", or the clock helper it fell back to.
  const std::string& clock() const;

  // Whether the kernel answers bpf() on the loaded maps with the calling thread's current
  // capabilities (before Linux 6.5 it wants CAP_BPF for every call when unprivileged BPF is off).
  bool kernel_answers() const;

  // For tests, benchmarks and tools: the loaded objects' file descriptors.
  int program_fd(flowlens_direction dir) const;
  int flow_map_fd() const;
  int probation_map_fd() const;
  int ports_map_fd() const;

  // Deletes FlowLens's pinned maps in `pin_dir` (their counts are lost).
  static Status remove_pins(const std::string& pin_dir);

 private:
  struct Impl;
  explicit Datapath(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowlens::bpf
