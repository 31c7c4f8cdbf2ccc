// SPDX-License-Identifier: BSD-2-Clause
// Replay end to end on captures the test writes: ticks and counts, pcapng, a truncated file,
// files that are not captures, --explain, and the CLI's exit status.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "frame_builder.h"
#include "model/server_spec.h"
#include "replay/pcap_reader.h"
#include "replay/replay_command.h"
#include "replay/replay_runner.h"

namespace flowlens::testing {
namespace {

namespace fs = std::filesystem;

// One player exchanging 20 packets/s each way from 1000.5 to 1010.2, and one server-list query.
std::vector<TimedFrame> game_capture() {
  std::vector<TimedFrame> frames;
  FrameSpec up, down;
  down.src = up.dst;
  down.dst = up.src;
  down.sport = up.dport;
  down.dport = up.sport;
  for (double t = 1000.5; t < 1010.2; t += 0.05) {
    frames.push_back({t, build_frame(up)});
    frames.push_back({t + 0.01, build_frame(down)});
  }
  FrameSpec q;
  q.src = "192.0.2.99";
  q.sport = 50000;
  q.payload = {0xFF, 0xFF, 0xFF, 0xFF, 'T'};
  frames.push_back({1003.0, build_frame(q)});
  std::sort(frames.begin(), frames.end(), [](auto& a, auto& b) { return a.ts < b.ts; });
  return frames;
}

class ReplayRunner : public ::testing::Test {
 protected:
  void SetUp() override { spdlog::set_level(spdlog::level::warn); }
  std::string path(const std::string& name) {
    auto p =
        fs::temp_directory_path() / ("flowlens_replay_test_" + std::to_string(getpid()) + name);
    files_.push_back(p);
    return p.string();
  }
  void TearDown() override {
    for (const auto& f : files_) fs::remove(f);
  }

  replay::ReplayResult run(const std::string& file, std::string& out,
                           std::string* explain = nullptr) {
    replay::ReplayOptions opts;
    opts.pcap_path = file;
    opts.servers = {model::parse_server_spec("cs=27015/udp")};
    if (explain) opts.explain_server = "cs";
    std::ostringstream os, es;
    auto r = replay::run_replay(opts, os, es);
    out = os.str();
    if (explain) *explain = es.str();
    return r;
  }

  static std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> v;
    std::istringstream is(s);
    for (std::string l; std::getline(is, l);) v.push_back(l);
    return v;
  }

  std::vector<fs::path> files_;
};

TEST_F(ReplayRunner, OneLinePerWholeSecondWithTheCount) {
  std::string file = path("ok.pcap"), out;
  write_file(file, pcap_bytes(game_capture()));
  auto r = run(file, out);
  auto v = lines(out);
  ASSERT_EQ(v.size(), 10u);  // t = 1001 .. 1010: every integer in (first, last]
  EXPECT_EQ(r.ticks, 10u);
  EXPECT_TRUE(r.warning.empty());
  // Warming up at the first tick: unknown, never a 0 a script could act on.
  EXPECT_EQ(v.front().rfind("{\"t\": 1001.0, \"servers\": [{\"server_id\": \"cs\", "
                            "\"active_players\": null,",
                            0),
            0u)
      << v.front();
  EXPECT_NE(v.front().find("\"known\": false, \"unknown_reason\": \"warming up"), std::string::npos)
      << v.front();
  EXPECT_NE(v[8].find("\"active_players\": 1, \"unique_ips\": 1,"), std::string::npos) << v[8];
  EXPECT_NE(v[8].find("\"known\": true"), std::string::npos) << v[8];
}

TEST_F(ReplayRunner, PcapngGivesTheSameTicks) {
  std::string a = path("a.pcap"), b = path("b.pcapng"), out_a, out_b;
  write_file(a, pcap_bytes(game_capture()));
  write_file(b, pcapng_bytes(game_capture()));
  run(a, out_a);
  run(b, out_b);
  EXPECT_EQ(out_a, out_b);
}

TEST_F(ReplayRunner, ATruncatedLastRecordIsAWarningAndTheTicksStand) {
  std::string file = path("cut.pcap"), out;
  std::string bytes = pcap_bytes(game_capture());
  write_file(file, bytes.substr(0, bytes.size() - 20));
  auto r = run(file, out);
  EXPECT_NE(r.warning.find("capture ends early"), std::string::npos) << r.warning;
  EXPECT_EQ(lines(out).size(), 10u);  // the cut record was not the first past 1010
  EXPECT_EQ(r.ticks, 10u);
  EXPECT_GT(r.frames, 300u);
}

TEST_F(ReplayRunner, AFrameDatedAYearAheadIsDroppedNotWrittenAsAYearOfTicks) {
  std::vector<TimedFrame> frames = game_capture();
  FrameSpec stray;
  frames.insert(frames.begin() + 40, {1000.5 + 365.0 * 86400, build_frame(stray)});
  std::string file = path("year.pcap"), out;
  write_file(file, pcap_bytes(frames));
  auto r = run(file, out);
  EXPECT_EQ(lines(out).size(), 10u) << "the stray timestamp must not add ticks";
  EXPECT_EQ(r.skipped_frames, 1u);
  EXPECT_EQ(r.time_jumps, 0u);
}

TEST_F(ReplayRunner, TwoCapturesJoinedResumeAtTheSecondWithoutTheGap) {
  std::vector<TimedFrame> frames = game_capture();
  const size_t first = frames.size();
  for (size_t i = 0; i < first; ++i)
    frames.push_back({frames[i].ts + 30.0 * 86400, frames[i].frame});
  std::string file = path("joined.pcap"), out;
  write_file(file, pcap_bytes(frames));
  auto r = run(file, out);
  EXPECT_EQ(r.time_jumps, 1u);
  EXPECT_EQ(r.skipped_frames, static_cast<uint64_t>(replay::kFramesToAcceptJump - 1));
  EXPECT_LE(lines(out).size(), 21u) << "ten seconds each side, not thirty days of lines";
  EXPECT_GE(lines(out).size(), 19u);
}

struct BadFile {
  const char* proves;
  std::string bytes;
  const char* message_has;
};

TEST_F(ReplayRunner, FilesThatAreNotEthernetCapturesAreClearErrors) {
  const BadFile cases[] = {
      {"a text file", "this is not a capture, just some text\n", "not a pcap or pcapng capture"},
      {"an empty file", "", "cut.pcap"},
      {"a raw-IP capture", pcap_bytes({}, 101), "unsupported link type 12 (RAW)"},
  };
  for (const auto& c : cases) {
    std::string file = path("cut.pcap"), out;
    write_file(file, c.bytes);
    try {
      run(file, out);
      ADD_FAILURE() << c.proves << " was accepted";
    } catch (const replay::CaptureError& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_has), std::string::npos)
          << c.proves << ": " << e.what();
      EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
    }
  }
  std::string out;
  EXPECT_THROW(run(path("missing.pcap"), out), replay::CaptureError);
}

TEST_F(ReplayRunner, ExplainTellsWhyEachEndpointCountsOrNot) {
  std::string file = path("x.pcap"), out, explain;
  write_file(file, pcap_bytes(game_capture()));
  run(file, out, &explain);
  EXPECT_NE(explain.find("198.51.100.1:27005 27015/udp counted"), std::string::npos) << explain;
  EXPECT_NE(explain.find("cs: 1 players"), std::string::npos) << explain;
}

TEST_F(ReplayRunner, TheCommandExitsOneWithOneLineOnABadCapture) {
  std::string file = path("bad.pcap");
  write_file(file, "nope");
  CLI::App app;
  replay::register_replay_command(app);
  std::vector<std::string> args = {"t", "replay", "--pcap", file, "--server", "cs=27015/udp"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    ADD_FAILURE() << "a bad capture was accepted";
  } catch (const CLI::RuntimeError& e) {
    EXPECT_EQ(e.get_exit_code(), 1);
  }
}

}  // namespace
}  // namespace flowlens::testing
