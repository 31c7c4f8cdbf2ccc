// SPDX-License-Identifier: BSD-2-Clause
// The kernel program itself: frames of any bytes through its ingress and egress programs with
// BPF_PROG_TEST_RUN, then its maps compared with what it must have counted (admission_model.h).
// The verifier proves the program reads only inside the frame; this proves every frame passes
// untouched, nothing is counted for a port that is not watched, and every flow's counters are
// exactly those of its packets. Coverage comes from replay's parser, which mirrors the program's
// branches; the program's own are invisible to libFuzzer.
//
// Input: records of a control byte (bit 0: egress), a 16-bit big-endian length (low 11 bits) and
// that many frame bytes (fewer at the end of the input). Frames the kernel's test run refuses
// before the program are not run (runs_program()); a tagged frame still reaches it cut anywhere.
//
// Needs CAP_BPF (root): without it the target exits with kSkipped, which scripts/fuzz.sh reports
// as a skip, unless FLOWLENS_REQUIRE_PRIVILEGED=1 makes that a failure.
#include <bpf/bpf.h>
#include <linux/pkt_cls.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "admission_model.h"
#include "bpf_harness.h"
#include "fuzz_check.h"

namespace {

using flowlens::fuzz::AdmissionModel;
using flowlens::fuzz::fail;

// Ports of two servers, as discovery would publish them: one UDP, one TCP, one on both, and the
// highest port (the last bit of the program's bitmap).
const flowlens::model::Endpoint kWatched[] = {
    {27015, IPPROTO_UDP}, {25565, IPPROTO_TCP}, {7777, IPPROTO_UDP},
    {7777, IPPROTO_TCP},  {65535, IPPROTO_TCP},
};
// Not one of libFuzzer's own codes (77 a crash, 70 a timeout); scripts/fuzz.sh knows it.
constexpr int kSkipped = 4;
constexpr uint32_t kPass = static_cast<uint32_t>(TC_ACT_UNSPEC);
constexpr size_t kEthHeader = 14;
constexpr size_t kRecordHeader = 3;
// Above any input's frame count (an input is at most MAX_LEN bytes in tests/fuzz/CMakeLists.txt),
// so the LRU flow map never evicts within one input and the model stays exact.
constexpr uint32_t kFlowEntries = 1024;

std::unique_ptr<flowlens::bpf::Datapath> datapath;
AdmissionModel model{kWatched};

[[noreturn]] void cannot_run(const std::string& why) {
  const char* v = std::getenv("FLOWLENS_REQUIRE_PRIVILEGED");
  if (v && std::string_view(v) == "1") {
    std::fprintf(stderr,
                 "fuzz check failed: cannot load the kernel program: %s "
                 "(FLOWLENS_REQUIRE_PRIVILEGED=1 turns this skip into a failure)\n",
                 why.c_str());
    std::_Exit(1);
  }
  std::fprintf(stderr, "skipped: cannot load the kernel program: %s\n", why.c_str());
  std::_Exit(kSkipped);
}

// BPF_PROG_TEST_RUN wants an Ethernet header, and behind EtherType IPv4 or IPv6 the whole IP
// header (checked on the outer EtherType only).
bool runs_program(const std::vector<uint8_t>& f) {
  if (f.size() < kEthHeader) return false;
  const uint16_t type = static_cast<uint16_t>(f[12] << 8 | f[13]);
  if (type == 0x0800) return f.size() >= kEthHeader + 20;
  if (type == 0x86dd) return f.size() >= kEthHeader + 40;
  return true;
}

std::string flow_name(const flowlens_flow_key& k) {
  char addr[INET6_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET6, k.client_addr, addr, sizeof addr);
  return "[" + std::string(addr) + "]:" + std::to_string(ntohs(k.client_port)) + " -> " +
         std::to_string(ntohs(k.server_port)) + (k.proto == IPPROTO_TCP ? "/tcp" : "/udp");
}

// Counters must equal the model's; times are the kernel's own, so only whether each is set.
void compare(const std::string& where, const flowlens_flow_key& k, const flowlens_flow_value& got,
             const flowlens_flow_value& want) {
  const auto differs = [&](const char* what) {
    fail(where + " " + flow_name(k) + ": " + what + " differs: kernel " +
         flowlens::testing::describe(got) + ", expected " + flowlens::testing::describe(want));
  };
  for (int d = 0; d < 2; ++d) {
    const auto &g = got.dir[d], &w = want.dir[d];
    if (g.packets != w.packets) differs("packets");
    if (g.bytes != w.bytes) differs("bytes");
    if ((g.last_ns != 0) != (g.packets != 0)) differs("last packet time");
    if ((g.active_bits != 0) != (g.packets != 0)) differs("activity window");
    if (g.packets && g.last_ns < got.first_ns) differs("a last packet before the first");
    if (got.tcp_flags[d] != want.tcp_flags[d]) differs("TCP flags");
  }
  if (got.query_packets != want.query_packets) differs("query packets");
  if (got.query_session != want.query_session) differs("query session");
  if ((got.first_ns != 0) != (want.first_ns != 0)) differs("first packet time");
  if ((got.end_ns != 0) != (want.end_ns != 0)) differs("end (FIN/RST) time");
  if ((got.refused_ns != 0) != (want.refused_ns != 0)) differs("refusal time");
  if (got.pad != 0) differs("padding");
}

void check_key(const std::string& where, const flowlens_flow_key& k) {
  if (!model.watched(ntohs(k.server_port), k.proto))
    fail(where + " holds " + flow_name(k) + ", a port that is not watched");
  if (k.pad[0] | k.pad[1] | k.pad[2]) fail(where + " holds a key with padding set");
}

void check_flow_map() {
  const int fd = datapath->flow_map_fd();
  size_t found = 0;
  for (const auto& k : flowlens::testing::map_keys(fd)) {
    check_key("the flow map", k);
    auto got = flowlens::testing::lookup_flow(fd, k);
    if (!got) continue;  // listed, then gone: nothing else writes the map, so this cannot count
    auto want = model.flows().find(k);
    if (want == model.flows().end())
      fail("the flow map holds " + flow_name(k) +
           ", which no two frames admitted: " + flowlens::testing::describe(*got));
    compare("the flow map", k, *got, want->second);
    ++found;
  }
  if (found == model.flows().size()) return;
  for (const auto& [k, v] : model.flows())
    if (!flowlens::testing::lookup_flow(fd, k))
      fail("the flow map lacks " + flow_name(k) + ", expected " + flowlens::testing::describe(v));
}

void check_probation() {
  const uint32_t slot_index = 0;
  flowlens_probation_slot slot{};
  if (bpf_map_lookup_elem(datapath->probation_map_fd(), &slot_index, &slot) != 0)
    fail("cannot read the probation slot: " + std::string(std::strerror(errno)));
  const bool used = (slot.first.dir[0].packets | slot.first.dir[1].packets) != 0;
  if (used && !model.slot_used())
    fail("the probation slot holds " + flow_name(slot.key) +
         ", expected empty: " + flowlens::testing::describe(slot.first));
  if (!used && model.slot_used())
    fail("the probation slot is empty, expected " + flow_name(model.slot_key()) + ": " +
         flowlens::testing::describe(model.slot_first()));
  if (!used) return;
  check_key("the probation slot", slot.key);
  if (std::memcmp(&slot.key, &model.slot_key(), sizeof slot.key) != 0)
    fail("the probation slot holds " + flow_name(slot.key) + ", expected " +
         flow_name(model.slot_key()));
  if ((slot.admitted != 0) != model.slot_admitted()) fail("the probation slot's admitted flag");
  compare("the probation slot", slot.key, slot.first, model.slot_first());
}

void reset() {
  flowlens::testing::clear_map(datapath->flow_map_fd());
  flowlens::testing::clear_probation(datapath->probation_map_fd());
  model.clear();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::warn);
  // One probation slot: the model then knows which flow overwrites which (admission_model.h).
  auto dp = flowlens::testing::open_test_datapath(kFlowEntries, 1);
  if (!dp) cannot_run(dp.error().what());
  datapath = std::make_unique<flowlens::bpf::Datapath>(std::move(dp.value()));
  if (auto s = datapath->set_watched(std::span<const flowlens::model::Endpoint>(kWatched)); !s)
    cannot_run(s.error().what());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t frames = 0;
  while (size >= kRecordHeader) {
    const auto dir = (data[0] & 1) ? FLOWLENS_DIR_OUT : FLOWLENS_DIR_IN;
    size_t len = ((size_t{data[1]} << 8) | data[2]) & 0x7ff;
    data += kRecordHeader;
    size -= kRecordHeader;
    len = std::min(len, size);
    const std::vector<uint8_t> frame(data, data + len);
    data += len;
    size -= len;
    if (!runs_program(frame)) continue;

    const auto r = flowlens::testing::run_frame(datapath->program_fd(dir), frame);
    if (r.err != 0)
      fail("BPF_PROG_TEST_RUN refused a " + std::to_string(frame.size()) +
           "-byte frame: " + std::strerror(r.err));
    if (r.retval != kPass)
      fail("the " + std::string(dir == FLOWLENS_DIR_IN ? "ingress" : "egress") +
           " program returned " + std::to_string(static_cast<int32_t>(r.retval)) +
           " instead of TC_ACT_UNSPEC (pass on) for frame " + std::to_string(frames) + ":\n" +
           flowlens::testing::hex(frame));
    ++frames;
    model.frame(frame, dir);
  }
  check_flow_map();
  check_probation();
  reset();
  return 0;
}
