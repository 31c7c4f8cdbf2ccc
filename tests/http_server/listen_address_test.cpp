// SPDX-License-Identifier: BSD-2-Clause
// Listen addresses as operators write them, and the message for each mistake.
#include "listen_address.h"

#include <gtest/gtest.h>

#include <string>

namespace flowlens::http {
namespace {

struct Good {
  std::string text;
  std::string address;
  unsigned short port;
  bool dual_stack;
};

class ListenAddressGood : public ::testing::TestWithParam<Good> {};

TEST_P(ListenAddressGood, Parses) {
  const Good& g = GetParam();
  const ListenAddress a = parse_listen_address(g.text);
  EXPECT_EQ(a.text, g.text);
  EXPECT_EQ(a.endpoint.address().to_string(), g.address);
  EXPECT_EQ(a.endpoint.port(), g.port);
  EXPECT_EQ(a.dual_stack, g.dual_stack);
}

INSTANTIATE_TEST_SUITE_P(Table, ListenAddressGood,
                         ::testing::Values(Good{"127.0.0.1:8080", "127.0.0.1", 8080, false},
                                           Good{"0.0.0.0:1", "0.0.0.0", 1, false},
                                           Good{"[::1]:9100", "::1", 9100, false},
                                           Good{"[::]:65535", "::", 65535, false},
                                           // Go's ":PORT": every address of both families.
                                           Good{":9090", "::", 9090, true}));

struct Bad {
  std::string text;
  std::string message_has;
};

class ListenAddressBad : public ::testing::TestWithParam<Bad> {};

TEST_P(ListenAddressBad, SaysWhatIsWrong) {
  try {
    parse_listen_address(GetParam().text);
    FAIL() << "accepted " << GetParam().text;
  } catch (const ListenAddressError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(GetParam().message_has), std::string::npos) << what;
    EXPECT_NE(what.find("'" + GetParam().text + "'"), std::string::npos) << what;
    EXPECT_NE(what.find("expected ADDR:PORT, [IPV6]:PORT or :PORT"), std::string::npos) << what;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ListenAddressBad,
                         ::testing::Values(Bad{"127.0.0.1", "has no port"}, Bad{"", "has no port"},
                                           Bad{"127.0.0.1:", "no valid port number"},
                                           Bad{"127.0.0.1:65536", "no valid port number"},
                                           Bad{"127.0.0.1:0", "has port 0, which binds a random"},
                                           Bad{":0", "has port 0"}, Bad{"[::1]:00", "has port 0"},
                                           Bad{"127.0.0.1:-1", "no valid port number"},
                                           Bad{"127.0.0.1:80x", "no valid port number"},
                                           Bad{"localhost:80", "no valid IP address"},
                                           Bad{"::1:80", "in []"}, Bad{"[127.0.0.1]:80", "in []"}));

}  // namespace
}  // namespace flowlens::http
