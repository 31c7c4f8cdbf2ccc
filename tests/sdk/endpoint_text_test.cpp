// SPDX-License-Identifier: BSD-2-Clause
// The PORT/PROTO text every plugin and the core's --server option accept.
#include "flowlens/sdk/endpoint_text.hpp"

#include <gtest/gtest.h>

namespace flowlens::sdk {
namespace {

TEST(SdkEndpointText, ParsesSinglePortsRangesAndProtocols) {
  struct Case {
    const char* text;
    std::vector<std::string> expected;
  };
  for (const Case& c : {Case{"25565/tcp", {"25565/tcp"}}, Case{"27015/udp", {"27015/udp"}},
                        Case{"27015-27017/udp", {"27015/udp", "27016/udp", "27017/udp"}},
                        Case{"7777/UDP", {"7777/udp"}}, Case{"1/tcp", {"1/tcp"}},
                        Case{"65535/udp", {"65535/udp"}}}) {
    std::vector<Endpoint> eps;
    parse_endpoint(c.text, eps);
    std::vector<std::string> got;
    for (const auto& ep : eps) got.push_back(to_string(ep));
    EXPECT_EQ(got, c.expected) << c.text;
  }
}

TEST(SdkEndpointText, RejectsWhatIsNotPortSlashProto) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c :
       {Case{"27015", "expected PORT/PROTO such as 27015/udp or 27015-27016/udp, got '27015'"},
        Case{"27015/sctp", "expected protocol tcp or udp after '/', got '27015/sctp'"},
        Case{"0/udp", "expected a port 1-65535 or a range FIRST-LAST, got '0/udp'"},
        Case{"65536/udp", "expected a port 1-65535"}, Case{"x/udp", "expected a port 1-65535"},
        Case{"27016-27015/udp", "expected a range whose end is not below its start"},
        Case{"1-65535/udp", "expected a range of at most 1024 ports"},
        Case{"27015-/udp", "expected a port 1-65535"}}) {
    std::vector<Endpoint> eps;
    try {
      parse_endpoint(c.text, eps);
      ADD_FAILURE() << "accepted " << c.text;
    } catch (const EndpointError& e) {
      EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos)
          << c.text << ": " << e.what();
    }
  }
}

}  // namespace
}  // namespace flowlens::sdk
