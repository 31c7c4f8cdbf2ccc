// SPDX-License-Identifier: BSD-2-Clause
// Lines into datagrams: full datagrams, whole lines, nothing lost or reordered.
#include "packer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace flowlens::statsd {
namespace {

std::vector<std::string> split_lines(const std::string& datagram) {
  std::vector<std::string> out;
  std::istringstream in(datagram);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> numbered_lines(std::size_t count) {
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < count; ++i) {
    lines.push_back("flowlens.server-" + std::to_string(i) +
                    ".active_players:" + std::to_string(i % 97) + "|g");
  }
  return lines;
}

TEST(Packer, OversizedBatchSplitsOnLineBoundariesOnly) {
  for (std::size_t max : {std::size_t{128}, std::size_t{512}, kDefaultMaxPacketBytes}) {
    const auto lines = numbered_lines(3000);
    const auto datagrams = pack_lines(lines, max);
    std::vector<std::string> back;
    for (std::size_t i = 0; i < datagrams.size(); ++i) {
      EXPECT_LE(datagrams[i].size(), max) << "datagram " << i;
      EXPECT_NE(datagrams[i].back(), '\n');
      for (auto& line : split_lines(datagrams[i])) back.push_back(line);
      // Full: the next datagram's first line would not have fitted.
      if (i + 1 < datagrams.size()) {
        EXPECT_GT(datagrams[i].size() + 1 + split_lines(datagrams[i + 1]).front().size(), max);
      }
    }
    EXPECT_EQ(back, lines) << "every line once, whole, in order (max " << max << ")";
  }
}

TEST(Packer, ALineLongerThanTheLimitTravelsAlone) {
  const std::string huge(300, 'x');
  const auto datagrams = pack_lines({"a:1|g", huge + ":1|g", "b:2|g"}, 128);
  const std::vector<std::string> want = {"a:1|g", huge + ":1|g", "b:2|g"};
  EXPECT_EQ(datagrams, want);
}

TEST(Packer, NothingToSendIsNoDatagram) {
  EXPECT_TRUE(pack_lines({}, 1432).empty());
}

TEST(Packer, StreamEndsEveryLineWithANewline) {
  EXPECT_EQ(join_stream({"a:1|g", "b:2|c"}), "a:1|g\nb:2|c\n");
}

}  // namespace
}  // namespace flowlens::statsd
